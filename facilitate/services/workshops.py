"""Ateliers: creating one, who connects, and what each viewer may see."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, bad_key, unknown_workshop, workshop_not_found
from facilitate.i18n import _, current_language
from facilitate.model import Account, Bloc, Column, IdentityMode, Role, Workshop
from facilitate.payloads import Auth, WorkshopCreate, read
from facilitate.rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Viewer,
    clean_display_name,
)
from facilitate.seats import admission, idle_seats_per_address, surely_free
from facilitate.services.common import (
    Base,
    Change,
    Identity,
)


class WorkshopCases(Base):
    # -- ateliers ---------------------------------------------------------------

    def create_workshop(self, payload: Any, owner: Account | None = None) -> Workshop:
        """A new atelier from a template; `owner` is the facilitator account (hosted mode)."""
        payload = read(WorkshopCreate, payload)
        template = self.templates.get(payload["template"])
        if template is None:
            raise FacilitateError(
                "unknown_template",
                _(
                    "Modèle inconnu : {template}. Modèles disponibles : {available}",
                    template=repr(payload.get("template")),
                    available=", ".join(sorted(self.templates)),
                ),
                400,
            )
        fields = {}
        for name in ("title", "event", "date", "facilitator_name", "organisation"):
            fields[name] = (payload.get(name) or "").strip()
        now = self.now()
        with self.db.transaction() as conn:
            workshop = self.insert_new_workshop(
                conn,
                title=fields["title"] or template.title,
                template_id=template.id,
                event=fields["event"] or template.event,
                date=fields["date"],
                facilitator_name=fields["facilitator_name"],
                organisation=fields["organisation"],
                created_at=now,
                identity=IdentityMode(payload.get("identity", "named")),
                # Unless chosen, the language the facilitator is using.
                language=payload.get("language") or current_language(),
            )
            if owner is not None:
                store.set_owner(conn, workshop.id, owner.id)
            for position, title in enumerate(template.volets):
                store.insert_volet(conn, workshop.id, position, title)
            bloc_ids = [
                store.insert_bloc(
                    conn,
                    Bloc(
                        id=0,
                        workshop_id=workshop.id,
                        position=position,
                        title=bt.title,
                        kind=bt.kind,
                        prompt=bt.prompt,
                        columns=[Column(f"c{i + 1}", label) for i, label in enumerate(bt.columns)],
                        timer_seconds=bt.timer,
                        vote_budget=bt.vote_budget,
                        private_writing=bt.private,
                        fondamentaux=bt.fondamentaux,
                        seq=1,
                    ),
                )
                for position, bt in enumerate(template.blocs)
            ]
            if bloc_ids:
                self.open_at(conn, workshop, bloc_ids[0])
            # The facilitator is a participant row too, so every note has an author.
            store.insert_participant(
                conn,
                workshop.id,
                secrets.token_urlsafe(24),
                workshop.facilitator_name or None,
                Role.FACILITATOR,
                1,
                now,
            )
        return workshop

    def insert_new_workshop(
        self,
        conn: Any,
        *,
        title: str,
        template_id: str,
        event: str,
        date: str,
        facilitator_name: str,
        organisation: str,
        created_at: str,
        identity: IdentityMode = IdentityMode.NAMED,
        language: str,
    ) -> Workshop:
        """An atelier row with its own id, join code and facilitator key (creation and import)."""
        workshop = Workshop(
            id=secrets.token_hex(4),
            code=self.new_code(conn),
            title=title,
            facilitator_key=secrets.token_urlsafe(24),
            template_id=template_id,
            event=event,
            date=date,
            facilitator_name=facilitator_name,
            organisation=organisation,
            seq=1,
            meta_seq=1,
            created_at=created_at,
            language=language,
            synthesis_seq=1,
            identity=identity,
        )
        store.insert_workshop(conn, workshop)
        return workshop

    @staticmethod
    def open_at(conn: Any, workshop: Workshop, bloc_id: int) -> None:
        store.set_current_bloc(conn, workshop.id, bloc_id, 1)
        workshop.current_bloc = bloc_id

    def new_code(self, conn: Any) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if not store.code_in_use(conn, code):
                return code

    def list_workshops(self) -> list[Workshop]:
        with self.db.reading() as conn:
            return store.list_workshops(conn)

    def delete_workshop(self, workshop_id: str) -> None:
        with self.db.transaction() as conn:
            if not store.delete_workshop(conn, workshop_id):
                raise workshop_not_found()

    def workshop_for_key(self, workshop_id: str, key: object) -> Workshop:
        """The atelier if `key` is its facilitator key (compared in constant time)."""
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
        if workshop is None:
            raise workshop_not_found()
        # Bytes, so that a key with accents is just a wrong key (compare_digest refuses non-ASCII str).
        given = key.encode("utf-8", "replace") if isinstance(key, str) else b""
        if not secrets.compare_digest(given, workshop.facilitator_key.encode()):
            raise bad_key()
        return workshop

    # -- identities ------------------------------------------------------------

    def identify(
        self, auth: Any, address: str = "?", present: Callable[[str], Mapping[int, str]] = lambda _: {}
    ) -> tuple[Identity, Change | None]:
        """Turn Socket.IO connect auth into an identity. A new participant is a
        mutation (the staff see them arrive), hence the optional Change.
        `address` is the client's; `present(workshop_id)` maps the atelier's
        connected participants to theirs (see seats.admission)."""
        auth = read(Auth, auth)
        code = auth["code"].strip().upper()
        with self.db.reading() as conn:
            workshop = store.get_workshop_by_code(conn, code)
        if workshop is None:
            raise unknown_workshop()
        if "cofacilitator_key" in auth:
            invited = workshop.cofacilitator_key
            if not invited or not secrets.compare_digest(auth["cofacilitator_key"].encode(), invited.encode()):
                raise bad_key()
            with self.db.reading() as conn:
                me = store.get_facilitator_participant(conn, workshop.id)
            return Identity(workshop, Viewer(Role.COFACILITATOR, me.id), me), None
        if "facilitator_key" in auth:
            workshop = self.workshop_for_key(workshop.id, auth["facilitator_key"])
            role = Role.PROJECTOR if auth.get("role") == "projector" else Role.FACILITATOR
            with self.db.reading() as conn:
                me = store.get_facilitator_participant(conn, workshop.id)
            return Identity(workshop, Viewer(role, me.id), me), None
        token = auth.get("token")
        if isinstance(token, str) and token:
            with self.db.reading() as conn:
                known = store.find_participant_by_token(conn, workshop.id, token)
            if known is not None and known.role == Role.PARTICIPANT:
                if known.removed:
                    raise FacilitateError("participant_removed", _("L'animation vous a retiré de cet atelier."), 403)
                return Identity(workshop, Viewer(Role.PARTICIPANT, known.id), known), None
        # An anonymous atelier keeps no name, whatever the phone sends.
        name = None if workshop.identity == IdentityMode.ANONYMOUS else clean_display_name(auth.get("name"))
        if workshop.locked:
            raise FacilitateError(
                "workshop_locked", _("L'atelier est fermé aux nouvelles arrivées. Parlez-en à l'animation."), 403
            )
        with self.db.transaction() as conn:
            per_address = idle_seats_per_address(self.max_participants, self.idle_seats_per_address)
            here = present(workshop.id)
            joined = store.participant_count(conn, workshop.id)
            refusal = (
                None
                if surely_free(joined, len(here), self.max_participants, per_address)
                else admission(
                    store.contributor_ids(conn, workshop.id), here, address, self.max_participants, per_address
                )
            )
            if refusal == "workshop_full":
                raise FacilitateError(
                    "workshop_full",
                    _(
                        "L'atelier est complet ({participants} participants). Parlez-en à l'animation.",
                        participants=self.max_participants,
                    ),
                    409,
                )
            if refusal == "too_many_arrivals":
                raise FacilitateError(
                    "too_many_arrivals",
                    _(
                        "Trop de nouvelles connexions depuis ce réseau : réessayez dans un moment, ou parlez-en à l'animation."
                    ),
                    429,
                )
            seq = store.bump_seq(conn, workshop.id)
            participant = store.insert_participant(
                conn, workshop.id, secrets.token_urlsafe(24), name, Role.PARTICIPANT, seq, self.now()
            )
        identity = Identity(workshop, Viewer(Role.PARTICIPANT, participant.id), participant)
        return identity, Change(workshop.id, seq)
