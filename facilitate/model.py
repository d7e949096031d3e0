"""The atelier as data: plain dataclasses and enums, no Flask, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class BlocKind(str, Enum):
    """How participants answer a bloc."""

    BRAINSTORM = "brainstorm"  # one prompt, one pile of notes
    COLUMNS = "columns"  # a board of two or more columns
    QUESTIONS = "questions"  # several prompts in one bloc


class IdentityMode(str, Enum):
    """How much of who wrote what an atelier shows, chosen at creation and
    shown before joining. Ordered from the weakest protection to the strongest."""

    NAMED = "named"  # names on the staff's screens, the draw and the exports
    PSEUDONYM = "pseudonym"  # a name is asked, seen by the staff only, never exported
    ANONYMOUS = "anonymous"  # no name is asked or kept


class Phase(str, Enum):
    """The rhythm of a bloc, in order; the facilitator may go back."""

    ECRITURE = "ecriture"
    DEVOILEMENT = "devoilement"
    REGROUPEMENT = "regroupement"
    VOTE = "vote"
    CLOS = "clos"


class Role(str, Enum):
    FACILITATOR = "facilitator"
    COFACILITATOR = "cofacilitator"  # invited by a link: timer, moderation, grouping only
    PROJECTOR = "projector"
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class Column:
    """A board column (columns bloc) or a question (questions bloc)."""

    id: str
    label: str


@dataclass(frozen=True)
class Countdown:
    """A bloc's timer on the server's clock: running until `ends_at` (Unix
    seconds), or paused with `remaining` seconds left. It only informs:
    nothing is cut off at zero, the facilitator decides."""

    running: bool
    remaining: float
    ends_at: float | None = None

    def left(self, now: float) -> float:
        return max(0.0, self.ends_at - now) if self.running and self.ends_at is not None else self.remaining


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
    fondamentaux: bool = False  # closes on its "grands fondamentaux retenus"
    timer: Countdown | None = None
    participants_group: bool = False  # participants may group notes too
    vote_stacking: bool = False  # several dots may go on one item
    retained: list[str] | None = None  # the facilitator's fondamentaux; None: automatic
    moderated: bool = False  # "validation avant affichage": participants' notes wait for the facilitator
    by_table: bool = False  # each table writes on its own board, seen by its table only...
    plenary: bool = False  # ...until the facilitator brings the tables together
    deleted: bool = False  # removed by the facilitator; its notes are kept
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
    volunteering: bool = False  # participants may volunteer for the team draw
    synthesis_seq: int = 0  # last change to the volets and actions
    locked: bool = False  # closed to new arrivals (participants already in come back)
    identity: IdentityMode = IdentityMode.NAMED
    tables: int = 0  # sub-group tables, numbered 1..tables
    tables_choice: bool = False  # participants pick their table from the list
    cofacilitator_key: str | None = None  # the co-animation invitation's key, None when revoked
    results_public: bool = False  # the join address shows the results once every bloc is closed
    language: str = "fr"  # its exports' fixed words: "fr" or "en" (facilitate.i18n.LANGUAGES)


@dataclass
class Participant:
    id: int
    workshop_id: str
    token: str
    name: str | None
    role: Role = Role.PARTICIPANT
    volunteer: bool = False
    seq: int = 0
    removed: bool = False  # by the facilitator: their token no longer opens the atelier
    muted: bool = False  # by the facilitator: may no longer post or vote here
    table: int | None = None  # the sub-group table they sit at
    rapporteur: bool = False  # groups and ranks their table's notes


class DrawStatus(str, Enum):
    PENDING = "pending"  # drawn, has not answered yet
    CONFIRMED = "confirmed"
    DECLINED = "declined"


@dataclass(frozen=True)
class DrawMember:
    participant_id: int
    rank: int  # order in the draw; the waiting list is served in this order
    team: int | None  # None: on the waiting list
    status: DrawStatus = DrawStatus.PENDING


@dataclass(frozen=True)
class Draw:
    id: int
    mode: str  # "teams" or "1-2-4" (pairs, then two pairs make a four)
    team_size: int
    members: tuple[DrawMember, ...]


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
    cluster: int | None = None
    seq: int = 0
    hidden: bool = False  # by the facilitator: staff only, out of votes and exports
    pending: bool = False  # waiting for the facilitator (moderated bloc): staff and author only
    paper: bool = False  # typed in by the animation from a paper sticky note
    table: int | None = None  # the table it was written at (a bloc run by table)

    @property
    def shown(self) -> bool:
        """Part of the room's board, the votes and the exports."""
        return not self.hidden and not self.pending


@dataclass
class Cluster:
    id: int
    workshop_id: str
    bloc_id: int
    label: str
    column: str | None = None
    deleted: bool = False
    seq: int = 0
    table: int | None = None  # made by a table's rapporteur
    rank: int | None = None  # the rapporteur's order among their table's groups (1 first)


@dataclass
class Action:
    """One line of the synthesis: what to do, who or what supports it, and the
    clusters and notes it came from ({"clusters": [ids], "notes": [ids]})."""

    id: int
    volet_id: int
    position: int
    text: str
    soutien: str = ""
    source: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Volet:
    id: int
    workshop_id: str
    position: int
    title: str
    actions: list[Action] = field(default_factory=list)


@dataclass
class Account:
    """A facilitator account (hosted mode only)."""

    id: int
    email: str
    password_hash: str
    is_admin: bool
    session_token: str
    created_at: str = ""


@dataclass(frozen=True)
class Wifi:
    """The room's Wi-Fi, shown as a QR code on the projector only."""

    ssid: str
    password: str = ""
    security: str = "WPA"  # WPA, WEP or nopass, as in the WIFI: QR format
