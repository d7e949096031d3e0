"""The atelier as data: plain dataclasses and enums, no Flask, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class BlocKind(str, Enum):
    """How participants answer a bloc."""

    BRAINSTORM = "brainstorm"  # one prompt, one pile of notes
    COLUMNS = "columns"  # a board of two or more columns
    QUESTIONS = "questions"  # several prompts in one bloc


class Phase(str, Enum):
    """The rhythm of a bloc, in order; the facilitator may go back."""

    ECRITURE = "ecriture"
    DEVOILEMENT = "devoilement"
    REGROUPEMENT = "regroupement"
    VOTE = "vote"
    CLOS = "clos"


PHASE_LABELS: dict[Phase, str] = {
    Phase.ECRITURE: "Écriture",
    Phase.DEVOILEMENT: "Dévoilement",
    Phase.REGROUPEMENT: "Regroupement",
    Phase.VOTE: "Vote",
    Phase.CLOS: "Clos",
}


class Role(str, Enum):
    FACILITATOR = "facilitator"
    PROJECTOR = "projector"
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class Column:
    """A board column (columns bloc) or a question (questions bloc)."""

    id: str
    label: str


@dataclass
class Bloc:
    id: int
    workshop_id: str
    position: int
    title: str
    kind: BlocKind
    prompt: str
    columns: list[Column] = field(default_factory=list)
    timer_seconds: int | None = None
    vote_budget: int = 5
    private_writing: bool = False
    phase: Phase = Phase.ECRITURE
    seq: int = 0


@dataclass
class Workshop:
    id: str
    code: str
    title: str
    facilitator_key: str
    template_id: str | None = None
    event: str = ""
    date: str = ""
    facilitator_name: str = ""
    organisation: str = ""
    current_bloc: int | None = None
    seq: int = 0
    meta_seq: int = 0
    created_at: str = ""
    volets: list[str] = field(default_factory=list)


@dataclass
class Participant:
    id: int
    workshop_id: str
    token: str
    name: str | None
    role: Role = Role.PARTICIPANT
    seq: int = 0


@dataclass
class Note:
    id: int
    workshop_id: str
    bloc_id: int
    participant_id: int
    text: str
    column: str | None = None
    client_id: str | None = None
    created_at: str = ""
    updated_at: str = ""
    deleted: bool = False
    seq: int = 0
