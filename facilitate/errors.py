"""One error type for every refused action: a stable code for programs, a
French message fit to show a participant, and the HTTP status it maps to."""

from __future__ import annotations


class FacilitateError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def bad_request(detail: str) -> FacilitateError:
    return FacilitateError("bad_request", f"Requête invalide : {detail}")


def forbidden() -> FacilitateError:
    return FacilitateError("forbidden", "Cette action est réservée à l'animation.", 403)


def bad_key() -> FacilitateError:
    return FacilitateError("bad_key", "Clé d'animation absente ou invalide.", 403)


def unknown_workshop() -> FacilitateError:
    return FacilitateError(
        "unknown_workshop",
        "Aucun atelier ne correspond à ce code. Vérifiez le code affiché à l'écran.",
        404,
    )


def too_many_attempts() -> FacilitateError:
    return FacilitateError(
        "too_many_attempts", "Trop de codes erronés depuis cet appareil : attendez une minute avant de réessayer.", 429
    )


def too_many_passwords() -> FacilitateError:
    return FacilitateError(
        "too_many_attempts", "Trop de mots de passe erronés depuis cet appareil : attendez une minute avant de réessayer.", 429
    )
