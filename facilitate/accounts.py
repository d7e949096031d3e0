"""Pure rules of the hosted mode: accounts' e-mail and password, the Wi-Fi
QR code's text, and when an idle atelier is due for deletion."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from facilitate.errors import FacilitateError
from facilitate.i18n import _

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WIFI_SECURITIES = ("WPA", "WEP", "nopass")


def clean_email(email: object) -> str:
    if not isinstance(email, str) or not _EMAIL.match(email.strip()) or len(email) > 200:
        raise FacilitateError("bad_email", _("Adresse courriel invalide : {email}.", email=repr(email)))
    return email.strip().lower()


def check_password(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise FacilitateError(
            "weak_password",
            _(
                "Mot de passe trop court : il faut au moins {minimum} caractères "
                "(une phrase de quelques mots fait l'affaire).",
                minimum=MIN_PASSWORD_LENGTH,
            ),
        )
    if len(password) > 1000:
        raise FacilitateError("weak_password", _("Mot de passe trop long (1000 caractères au plus)."))
    return password


def _escape_wifi(text: str) -> str:
    # The WIFI: format (ZXing's, read by every phone camera) escapes \ ; , : and ".
    return re.sub(r'([\\;,:"])', r"\\\1", text)


def wifi_qr_text(ssid: str, password: str, security: str) -> str:
    """WIFI:T:WPA;S:<name>;P:<password>;; — joining the network by scanning it."""
    if security == "nopass":
        return f"WIFI:T:nopass;S:{_escape_wifi(ssid)};;"
    return f"WIFI:T:{security};S:{_escape_wifi(ssid)};P:{_escape_wifi(password)};;"


def clean_wifi(payload: object) -> tuple[str, str, str] | None:
    """{"ssid", "password"?, "security"?} -> (ssid, password, security); an empty ssid clears it."""
    if not isinstance(payload, dict):
        raise FacilitateError("bad_request", _("Requête invalide : un objet JSON est attendu."))
    ssid, password, security = (
        payload.get("ssid") or "",
        payload.get("password") or "",
        payload.get("security") or "WPA",
    )
    if not all(isinstance(v, str) for v in (ssid, password, security)):
        raise FacilitateError(
            "bad_request", _("Requête invalide : le nom et le mot de passe du réseau sont des textes.")
        )
    if not ssid.strip():
        return None
    if len(ssid) > 32:
        raise FacilitateError("wifi_invalid", _("Le nom d'un réseau Wi-Fi a 32 caractères au plus."))
    if security not in WIFI_SECURITIES:
        raise FacilitateError("wifi_invalid", _("Sécurité du réseau : WPA, WEP ou nopass (réseau ouvert)."))
    if security == "WPA" and not 8 <= len(password) <= 63:
        raise FacilitateError("wifi_invalid", _("Un mot de passe WPA a de 8 à 63 caractères."))
    return ssid, password if security != "nopass" else "", security


def deletion_date(last_activity: str, retention_days: int) -> datetime | None:
    """When an atelier idle since `last_activity` (ISO) is deleted; None when retention is off."""
    if retention_days <= 0:
        return None
    return datetime.fromisoformat(last_activity) + timedelta(days=retention_days)
