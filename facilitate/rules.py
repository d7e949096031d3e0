"""Pure rules of an atelier: what a note may be, who sees it, who may change it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from facilitate.errors import FacilitateError, bloc_untitled, facilitator_only
from facilitate.i18n import _
from facilitate.model import Bloc, BlocKind, Column, IdentityMode, Note, Participant, Phase, Role

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
    table: int | None = None  # a participant's sub-group table (blocs run by table)
    # A phone in a large room (Service.large_room): others' notes reach it at
    # the reveal, not one by one while the room writes; it gets counts instead.
    crowd: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.FACILITATOR, Role.COFACILITATOR, Role.PROJECTOR)

    @property
    def is_facilitator(self) -> bool:
        """The animation's own screens (console, co-animation), not the projector."""
        return self.role in (Role.FACILITATOR, Role.COFACILITATOR)


# What a co-facilitator invited by a link may do: run the rhythm and the
# timer, moderate, group. Not: delete the atelier, change the identity mode,
# export (names included), edit the plan or the synthesis, draw teams.
COFACILITATOR_EVENTS = frozenset(
    {
        "sync", "bloc:goto", "bloc:phase", "timer",
        "note:hide", "note:approve", "participant:mute", "note:paper",
        "cluster:suggest", "cluster:group", "cluster:accept", "cluster:move", "cluster:rename",
        "cluster:merge", "cluster:ungroup", "cluster:undo",
    }
)  # fmt: skip


def acting_viewer(viewer: Viewer, event: str) -> Viewer:
    """The viewer a use case sees: a co-facilitator acts as the facilitator
    for the events they are allowed, and is refused every other one."""
    if viewer.role != Role.COFACILITATOR:
        return viewer
    if event not in COFACILITATOR_EVENTS:
        raise FacilitateError("forbidden", _("Cette action est réservée à l'animation principale."), 403)
    return Viewer(Role.FACILITATOR, viewer.participant_id)


# Characters that draw nothing although Unicode does not class them as
# format or space: Hangul fillers, the braille blank, the Khmer vowel inherents.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")


def is_blank(text: str) -> bool:
    """Nothing a reader would see: spaces, zero-width and bidi marks (Unicode
    categories Cc, Cf, Z*), invisible fillers."""
    return all(c in _INVISIBLE or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in text)


def clean_note_text(text: str) -> str:
    cleaned = text.strip()
    if is_blank(cleaned):
        raise FacilitateError("note_empty", _("La note est vide : écrivez quelques mots avant d'envoyer."))
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise FacilitateError(
            "note_too_long",
            _(
                "La note compte {length} caractères ; le maximum est {maximum}. Raccourcissez-la.",
                length=len(cleaned),
                maximum=MAX_NOTE_LENGTH,
            ),
        )
    return cleaned


def clean_display_name(name: str | None) -> str | None:
    """A display name, or None to stay anonymous."""
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME_LENGTH:
        raise FacilitateError("name_too_long", _("Le nom dépasse {maximum} caractères.", maximum=MAX_NAME_LENGTH))
    return None if is_blank(cleaned) else cleaned


def check_column(bloc: Bloc, column: object) -> str | None:
    """Columns and questions blocs need a valid column; brainstorm blocs take none."""
    if not bloc.columns:
        if column not in (None, ""):
            raise FacilitateError("unknown_column", _("Ce bloc n'a pas de colonnes."))
        return None
    if column in (None, ""):
        return bloc.columns[0].id
    if not any(c.id == column for c in bloc.columns):
        raise FacilitateError("unknown_column", _("Cette colonne ou question n'existe pas dans ce bloc."))
    return str(column)


def is_closed(blocs: list[Bloc]) -> bool:
    """An atelier is over when every bloc of its plan is closed."""
    live = [b for b in blocs if not b.deleted]
    return bool(live) and all(b.phase == Phase.CLOS for b in live)


def is_hidden_by_private_writing(bloc: Bloc) -> bool:
    return bloc.private_writing and bloc.phase == Phase.ECRITURE


def holds_back_notes(viewer: Viewer, bloc: Bloc) -> bool:
    """Others' notes wait for the reveal: during private writing, and for a
    phone in a large room while the bloc is being written (the fan-out of
    every note to every phone is what a large room cannot afford)."""
    return is_hidden_by_private_writing(bloc) or (viewer.crowd and bloc.phase == Phase.ECRITURE)


def can_read_note(viewer: Viewer, note: Note, bloc: Bloc, author_role: Role) -> bool:
    """During private writing (and on a large room's phones while the bloc is
    written: holds_back_notes), a note is seen by its author only; the staff see
    counts, except for notes the facilitator wrote. Otherwise everyone sees it,
    except a note the facilitator hid (the facilitator only: its author too
    would reveal who wrote it, the projector faces the room) or one waiting for
    approval (the facilitator and its author)."""
    mine = viewer.participant_id == note.participant_id
    if note.hidden and not viewer.is_facilitator:
        return False
    if note.pending and not (viewer.is_facilitator or mine):
        return False
    if not mine and not sees_table(viewer, bloc, note.table):
        return False
    if not holds_back_notes(viewer, bloc):
        return True
    return mine or (viewer.is_staff and author_role == Role.FACILITATOR)


def sees_table(viewer: Viewer, bloc: Bloc, table: int | None) -> bool:
    """While a bloc runs by table, a table sees only its own notes and groups
    (and those of no table, the animation's); the staff see every table."""
    if not bloc.by_table or bloc.plenary or viewer.is_staff or table is None:
        return True
    return table == viewer.table


def check_rapporteur(participant: Participant | None, bloc: Bloc, notes: list[Note]) -> int:
    """A table's rapporteur groups and ranks their table's notes from a phone,
    while the bloc runs by table; returns the table."""
    if participant is None or not participant.rapporteur or participant.table is None:
        raise FacilitateError(
            "forbidden", _("Seul le rapporteur ou la rapporteuse d'une table regroupe ses notes."), 403
        )
    if not bloc.by_table or bloc.plenary:
        raise FacilitateError("not_by_table", _("Ce bloc ne se fait pas (ou plus) par table."), 409)
    if any(n.table != participant.table for n in notes):
        raise FacilitateError("not_your_table", _("Ces notes ne sont pas celles de votre table."), 403)
    return participant.table


def shows_names(mode: IdentityMode, viewer: Viewer) -> bool:
    """Whether `viewer` may see who is who (participants' names, the draw's
    teams): everyone in a named atelier, the facilitator only with pseudonyms
    (not the projector, which the room reads), nobody in an anonymous one."""
    return mode == IdentityMode.NAMED or (mode == IdentityMode.PSEUDONYM and viewer.is_facilitator)


IDENTITY_STRENGTH = [IdentityMode.NAMED, IdentityMode.PSEUDONYM, IdentityMode.ANONYMOUS]


def check_identity_change(current: IdentityMode, wanted: IdentityMode, participants_joined: int) -> None:
    """Participants joined trusting the mode they were shown: it may become
    more protective, never less, once anyone has joined."""
    weaker = IDENTITY_STRENGTH.index(wanted) < IDENTITY_STRENGTH.index(current)
    if weaker and participants_joined:
        raise FacilitateError(
            "identity_locked",
            _("Des personnes ont rejoint l'atelier sous ce mode : on peut le rendre plus discret, jamais moins."),
            409,
        )


def check_not_muted(participant: Participant | None) -> None:
    if participant is not None and participant.muted:
        raise FacilitateError(
            "muted", _("L'animation a suspendu vos envois dans cet atelier : vous pouvez encore lire le tableau."), 403
        )


class Offers(TypedDict):
    write: bool
    add: bool
    group: bool
    vote: bool
    dots_per_item: int


def participant_offers(bloc: Bloc) -> Offers:
    """What a participant's screen may offer on this bloc now. Sent with the
    bloc (`offers`) so that screens follow these rules instead of re-coding
    them, and used by the checks below so that both never disagree."""
    return {
        "write": bloc.phase in WRITING_PHASES,
        # Adding stays open one phase longer than editing: a late note during
        # regroupement is offered to the group it resembles.
        "add": bloc.phase in WRITING_PHASES or bloc.phase == Phase.REGROUPEMENT,
        "group": bloc.participants_group and bloc.phase == Phase.REGROUPEMENT,
        "vote": bloc.phase == Phase.VOTE,
        "dots_per_item": bloc.vote_budget if bloc.vote_stacking else 1,
    }


def check_can_write(viewer: Viewer, bloc: Bloc) -> None:
    if viewer.role == Role.PROJECTOR:
        raise FacilitateError("forbidden", _("Le projecteur ne peut pas écrire de notes."), 403)
    if viewer.role == Role.PARTICIPANT and not participant_offers(bloc)["write"]:
        raise FacilitateError(
            "writing_closed", _("L'écriture est terminée pour le bloc « {title} ».", title=bloc.title), 409
        )


def check_can_add_note(viewer: Viewer, bloc: Bloc) -> None:
    """Adding stays open one phase longer than editing (participant_offers)."""
    if viewer.role == Role.PARTICIPANT and participant_offers(bloc)["add"]:
        return
    check_can_write(viewer, bloc)


def check_can_change_note(viewer: Viewer, note: Note, bloc: Bloc) -> None:
    """Participants change only their own notes; the facilitator may tidy any."""
    if viewer.role == Role.FACILITATOR:
        return
    if viewer.participant_id != note.participant_id:
        raise FacilitateError("not_your_note", _("Vous ne pouvez modifier que vos propres notes."), 403)
    check_can_write(viewer, bloc)


def check_can_group(viewer: Viewer, bloc: Bloc) -> None:
    """The facilitator groups any time; participants during regroupement, if allowed."""
    if viewer.role == Role.FACILITATOR:
        return
    if viewer.role == Role.PARTICIPANT and participant_offers(bloc)["group"]:
        return
    raise FacilitateError("forbidden", _("Le regroupement est réservé à l'animation pour ce bloc."), 403)


def clean_cluster_label(label: str) -> str:
    cleaned = " ".join(label.split())
    if is_blank(cleaned):
        raise FacilitateError("label_empty", _("Donnez un nom au regroupement."))
    return cleaned[:MAX_NOTE_LENGTH]


MAX_SYNTHESIS_TEXT = 1000


def clean_synthesis_text(payload: dict[str, str | None], name: str, *, required: bool) -> str:
    """A volet title, an action or its soutien: trimmed text, 1000 characters at most."""
    value = (payload.get(name) or "").strip()
    if required and is_blank(value):
        raise FacilitateError("text_empty", _("Ce texte ne peut pas être vide."))
    if len(value) > MAX_SYNTHESIS_TEXT:
        raise FacilitateError(
            "text_too_long",
            _("Ce texte dépasse {maximum} caractères.", maximum=MAX_SYNTHESIS_TEXT),
        )
    return value


def check_facilitator(viewer: Viewer) -> None:
    if viewer.role != Role.FACILITATOR:
        raise facilitator_only()


# -- editing an atelier's plan --------------------------------------------------

MAX_TITLE_LENGTH = 120
MAX_PROMPT_LENGTH = 1000
MAX_COLUMNS = 12
MAX_TIMER_SECONDS = 4 * 3600


def _text(payload: dict[str, Any], name: str, limit: int, *, required: bool) -> str:
    value: str = payload.get(name, "")
    value = " ".join(value.split()) if name == "title" else value.strip()
    if required and is_blank(value):
        raise bloc_untitled()
    if len(value) > limit:
        raise FacilitateError("bloc_invalid", _("« {name} » dépasse {limit} caractères.", name=name, limit=limit))
    return value


def clean_columns(kind: BlocKind, raw: list[str | dict[str, Any]] | None, current: list[Column]) -> list[Column]:
    """Columns (or questions) as the facilitator edits them: entries that keep
    an existing id keep their notes; new labels get new ids."""
    if kind == BlocKind.BRAINSTORM:
        if raw not in (None, []):
            raise FacilitateError("bloc_invalid", _("Un bloc de remue-méninges n'a ni colonnes ni questions."))
        return []
    if raw is None or len(raw) > MAX_COLUMNS:
        raise FacilitateError(
            "bad_request",
            _(
                "Requête invalide : « columns » est une liste de {maximum} éléments au plus.",
                maximum=MAX_COLUMNS,
            ),
        )
    known = {c.id for c in current}
    taken = set(known)
    columns: list[Column] = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"label": entry}
        label = " ".join(entry["label"].split())
        if not label or len(label) > 200:
            raise FacilitateError("bloc_invalid", _("Chaque colonne ou question a un libellé de 1 à 200 caractères."))
        column_id = entry.get("id")
        if column_id not in known or any(c.id == column_id for c in columns):
            column_id = next(f"c{i}" for i in range(1, 1000) if f"c{i}" not in taken)
        taken.add(column_id)
        columns.append(Column(str(column_id), label))
    minimum = 2 if kind == BlocKind.COLUMNS else 1
    if len(columns) < minimum:
        what = "au moins deux colonnes" if kind == BlocKind.COLUMNS else "au moins une question"
        raise FacilitateError("bloc_invalid", _("Ce bloc doit garder {what}.", what=what))
    return columns


def apply_bloc_settings(bloc: Bloc, payload: dict[str, Any]) -> Bloc:
    """The bloc with the facilitator's edits applied (only the fields present)."""
    changes: dict[str, Any] = {}
    if "title" in payload:
        changes["title"] = _text(payload, "title", MAX_TITLE_LENGTH, required=True)
    if "prompt" in payload:
        changes["prompt"] = _text(payload, "prompt", MAX_PROMPT_LENGTH, required=False)
    if "columns" in payload:
        changes["columns"] = clean_columns(bloc.kind, payload["columns"], bloc.columns)
    if "timer_seconds" in payload:
        timer = payload["timer_seconds"]
        if timer is not None and not 0 < timer <= MAX_TIMER_SECONDS:
            raise FacilitateError("bloc_invalid", _("La minuterie va de 1 seconde à 4 heures (ou aucune)."))
        changes["timer_seconds"] = timer
    if "vote_budget" in payload:
        budget = payload["vote_budget"]
        if not 1 <= budget <= 20:
            raise FacilitateError("bloc_invalid", _("Le nombre de votes par personne va de 1 à 20."))
        changes["vote_budget"] = budget
    flags = (
        "private_writing",
        "fondamentaux",
        "participants_group",
        "vote_stacking",
        "moderated",
        "by_table",
        "plenary",
    )
    for flag in flags:
        if flag in payload:
            changes[flag] = payload[flag]
    return replace(bloc, **changes)
