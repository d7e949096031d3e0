"""Pure rules of an atelier: what a note may be, who sees it, who may change it."""

from __future__ import annotations

from dataclasses import dataclass

from facilitate.errors import FacilitateError
from facilitate.model import Bloc, Note, Phase, Role

MAX_NOTE_LENGTH = 500
MAX_NAME_LENGTH = 60
# Phases in which participants may still write, edit or delete their notes.
WRITING_PHASES = frozenset({Phase.ECRITURE, Phase.DEVOILEMENT})
# Join codes avoid look-alike characters (0/O, 1/I/L) for reading off a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


@dataclass(frozen=True)
class Viewer:
    """Who is looking: staff (facilitator, projector) or one participant."""

    role: Role
    participant_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.FACILITATOR, Role.PROJECTOR)


def clean_note_text(text: object) -> str:
    if not isinstance(text, str):
        raise FacilitateError("bad_request", "Requête invalide : le texte de la note doit être une chaîne.")
    cleaned = text.strip()
    if not cleaned:
        raise FacilitateError("note_empty", "La note est vide : écrivez quelques mots avant d'envoyer.")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise FacilitateError(
            "note_too_long",
            f"La note compte {len(cleaned)} caractères ; le maximum est {MAX_NOTE_LENGTH}. Raccourcissez-la.",
        )
    return cleaned


def clean_display_name(name: object) -> str | None:
    """A display name, or None to stay anonymous."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise FacilitateError("bad_request", "Requête invalide : le nom doit être une chaîne.")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME_LENGTH:
        raise FacilitateError("name_too_long", f"Le nom dépasse {MAX_NAME_LENGTH} caractères.")
    return cleaned or None


def check_column(bloc: Bloc, column: object) -> str | None:
    """Columns and questions blocs need a valid column; brainstorm blocs take none."""
    if not bloc.columns:
        if column not in (None, ""):
            raise FacilitateError("unknown_column", "Ce bloc n'a pas de colonnes.")
        return None
    if column in (None, ""):
        return bloc.columns[0].id
    if not any(c.id == column for c in bloc.columns):
        raise FacilitateError("unknown_column", "Cette colonne ou question n'existe pas dans ce bloc.")
    return str(column)


def is_hidden_by_private_writing(bloc: Bloc) -> bool:
    return bloc.private_writing and bloc.phase == Phase.ECRITURE


def can_read_note(viewer: Viewer, note: Note, bloc: Bloc, author_role: Role) -> bool:
    """During private writing, a note is seen by its author only; the staff see
    counts, except for notes the facilitator wrote. Otherwise everyone sees it."""
    if not is_hidden_by_private_writing(bloc):
        return True
    if viewer.participant_id == note.participant_id:
        return True
    return viewer.is_staff and author_role == Role.FACILITATOR


def check_can_write(viewer: Viewer, bloc: Bloc) -> None:
    if viewer.role == Role.PROJECTOR:
        raise FacilitateError("forbidden", "Le projecteur ne peut pas écrire de notes.", 403)
    if viewer.role == Role.PARTICIPANT and bloc.phase not in WRITING_PHASES:
        raise FacilitateError(
            "writing_closed", f"L'écriture est terminée pour le bloc « {bloc.title} ».", 409
        )


def check_can_change_note(viewer: Viewer, note: Note, bloc: Bloc) -> None:
    """Participants change only their own notes; the facilitator may tidy any."""
    if viewer.role == Role.FACILITATOR:
        return
    if viewer.participant_id != note.participant_id:
        raise FacilitateError("not_your_note", "Vous ne pouvez modifier que vos propres notes.", 403)
    check_can_write(viewer, bloc)


def check_facilitator(viewer: Viewer) -> None:
    if viewer.role != Role.FACILITATOR:
        raise FacilitateError("forbidden", "Cette action est réservée à l'animation.", 403)
