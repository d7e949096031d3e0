"""One error type for every refused action: a stable code for programs, a
message fit to show a participant (from the catalogs, in the asker's language:
facilitate.i18n), and the HTTP status it maps to."""

from __future__ import annotations

from facilitate.i18n import _


class FacilitateError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def bad_request(detail: str) -> FacilitateError:
    return FacilitateError("bad_request", _("Requête invalide : {detail}", detail=detail))


def facilitator_only() -> FacilitateError:
    return FacilitateError("forbidden", _("Cette action est réservée à l'animation."), 403)


def participant_not_found() -> FacilitateError:
    return FacilitateError("unknown_participant", _("Cette personne n'est pas (ou plus) dans l'atelier."), 404)


def workshop_not_found() -> FacilitateError:
    return FacilitateError("unknown_workshop", _("Atelier introuvable."), 404)


def note_not_found() -> FacilitateError:
    return FacilitateError("unknown_note", _("Cette note n'existe pas ou a été supprimée."), 404)


def note_not_in_bloc() -> FacilitateError:
    return FacilitateError("unknown_note", _("Une de ces notes n'existe pas dans ce bloc."), 404)


def cluster_not_found() -> FacilitateError:
    return FacilitateError("unknown_cluster", _("Ce regroupement n'existe pas (ou plus)."), 404)


def cluster_not_in_bloc() -> FacilitateError:
    return FacilitateError("unknown_cluster", _("Ce regroupement n'existe pas dans ce bloc."), 404)


def action_not_found() -> FacilitateError:
    return FacilitateError("unknown_action", _("Cette action n'existe pas."), 404)


def bloc_untitled() -> FacilitateError:
    return FacilitateError("bloc_invalid", _("Donnez un titre au bloc."))


def bad_key() -> FacilitateError:
    return FacilitateError("bad_key", _("Clé d'animation absente ou invalide."), 403)


def unknown_workshop() -> FacilitateError:
    return FacilitateError(
        "unknown_workshop",
        _("Aucun atelier ne correspond à ce code. Vérifiez le code affiché à l'écran."),
        404,
    )


def too_many_attempts() -> FacilitateError:
    return FacilitateError(
        "too_many_attempts",
        _("Trop de codes erronés depuis cet appareil : attendez une minute avant de réessayer."),
        429,
    )


def too_many_passwords() -> FacilitateError:
    return FacilitateError(
        "too_many_attempts",
        _("Trop de mots de passe erronés depuis cet appareil : attendez une minute avant de réessayer."),
        429,
    )


def template_exists(template_id: str) -> FacilitateError:
    return FacilitateError(
        "template_exists",
        _("Un modèle « {template_id} » existe déjà : choisissez un autre titre.", template_id=template_id),
        409,
    )
