"""Hosted mode's use cases: facilitator accounts, who owns which atelier, the
co-facilitation key, the retention period, and the room's Wi-Fi."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from werkzeug.security import check_password_hash, generate_password_hash

from facilitate import store
from facilitate.accounts import check_password, clean_email, clean_wifi, deletion_date
from facilitate.errors import FacilitateError, workshop_not_found
from facilitate.i18n import _
from facilitate.model import Account, Wifi, Workshop
from facilitate.services.common import Base

# Checked against when the e-mail is unknown, so that a wrong address takes as
# long as a wrong password and timing does not tell which one was wrong.
_DUMMY_HASH = generate_password_hash("facilitate-dummy-password", method="scrypt")


def _hash(password: str) -> str:
    # scrypt (memory-hard), Werkzeug's default; its parameters live in the hash.
    return generate_password_hash(check_password(password), method="scrypt")


class HostingCases(Base):
    # -- accounts ------------------------------------------------------------------

    def add_account(self, email: object, password: object, is_admin: bool = False) -> Account:
        email = clean_email(email)
        password_hash = _hash(password)  # type: ignore[arg-type]
        with self.db.transaction() as conn:
            if store.find_account(conn, email) is not None:
                raise FacilitateError("account_exists", _("Un compte existe déjà pour {email}.", email=email), 409)
            return store.insert_account(conn, email, password_hash, is_admin, secrets.token_urlsafe(16), self.now())

    def list_accounts(self) -> list[Account]:
        with self.db.reading() as conn:
            return store.list_accounts(conn)

    def account(self, account_id: int) -> Account | None:
        with self.db.reading() as conn:
            return store.get_account(conn, account_id)

    def _find(self, conn: object, email: object) -> Account:
        account = store.find_account(conn, clean_email(email))  # type: ignore[arg-type]
        if account is None:
            raise FacilitateError("unknown_account", _("Aucun compte pour {email}.", email=email), 404)
        return account

    def change_password(self, email: object, password: object) -> Account:
        """A new password also gets a new session token: every other session ends."""
        password_hash = _hash(password)  # type: ignore[arg-type]
        with self.db.transaction() as conn:
            account = self._find(conn, email)
            account.session_token = secrets.token_urlsafe(16)
            store.set_password(conn, account.id, password_hash, account.session_token)
        return account

    def delete_account(self, email: object) -> None:
        with self.db.transaction() as conn:
            store.delete_account(conn, self._find(conn, email).id)

    def authenticate(self, email: object, password: object) -> Account | None:
        """The account if the password matches; None otherwise (same work either way)."""
        try:
            email = clean_email(email)
        except FacilitateError:
            email = ""
        with self.db.reading() as conn:
            account = store.find_account(conn, email) if email else None
        given = password if isinstance(password, str) else ""
        if account is None:
            check_password_hash(_DUMMY_HASH, given)
            return None
        return account if check_password_hash(account.password_hash, given) else None

    # -- ownership -----------------------------------------------------------------

    def set_owner(self, workshop_id: str, account: Account) -> None:
        with self.db.transaction() as conn:
            store.set_owner(conn, workshop_id, account.id)

    def may_manage(self, account: Account | None, workshop_id: str) -> bool:
        """An admin manages every atelier; a facilitator, only their own."""
        if account is None:
            return False
        if account.is_admin:
            return True
        with self.db.reading() as conn:
            return store.owner_of(conn, workshop_id) == account.id

    def workshops_for(self, account: Account) -> list[Workshop]:
        if account.is_admin:
            return self.list_workshops()  # type: ignore[attr-defined]
        with self.db.reading() as conn:
            return store.workshops_of(conn, account.id)

    def regenerate_key(self, workshop_id: str) -> str:
        """A new facilitator key: links given to co-facilitators stop working."""
        key = secrets.token_urlsafe(24)
        with self.db.transaction() as conn:
            if store.get_workshop(conn, workshop_id) is None:
                raise workshop_not_found()
            store.set_facilitator_key(conn, workshop_id, key)
        return key

    def invite_cofacilitator(self, workshop_id: str) -> str:
        """A new co-animation invitation (the previous one stops working)."""
        key = secrets.token_urlsafe(24)
        with self.db.transaction() as conn:
            store.set_cofacilitator_key(conn, workshop_id, key)
        return key

    def revoke_cofacilitator(self, workshop_id: str) -> None:
        with self.db.transaction() as conn:
            store.set_cofacilitator_key(conn, workshop_id, None)

    # -- retention (Québec's Law 25) ---------------------------------------------------

    def deletion_dates(self, retention_days: int) -> dict[str, datetime]:
        """Atelier id -> when it will be deleted if nothing happens in it meanwhile."""
        if retention_days <= 0:
            return {}
        with self.db.reading() as conn:
            activity = store.last_activity(conn)
        return {wid: deletion_date(active, retention_days) for wid, active in activity.items()}  # type: ignore[misc]

    def expired_workshops(self, retention_days: int, now: datetime | None = None) -> list[str]:
        now = now or datetime.now(timezone.utc)
        return [wid for wid, due in self.deletion_dates(retention_days).items() if due <= now]

    # -- the room's Wi-Fi --------------------------------------------------------------

    def set_wifi(self, workshop_id: str, payload: object) -> Wifi | None:
        cleaned = clean_wifi(payload)
        wifi = Wifi(*cleaned) if cleaned else None
        with self.db.transaction() as conn:
            store.set_wifi(conn, workshop_id, wifi)
        return wifi

    def wifi(self, workshop_id: str) -> Wifi | None:
        with self.db.reading() as conn:
            return store.get_wifi(conn, workshop_id)
