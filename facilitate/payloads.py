"""The shape of every Socket.IO payload and HTTP body, declared once.

A payload is read here before any use case sees it: types, nesting and
number bounds are checked, and a wrong shape becomes the contract's
`bad_request` with a French message naming the field. What a value means
(an unknown bloc, a budget outside 1-20, an empty note) stays with the
rules and services, which give the finer codes.

Pure: no Flask, no SQL. `read(model, payload)` returns a plain dict of the
fields the client sent (absent fields stay absent, so "not sent" and "sent
as null" keep their different meanings for the services)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from facilitate.errors import FacilitateError

# What JavaScript holds exactly, and far inside SQLite's 64-bit integers:
# a bigger number can only be a mistake or an attack.
MAX_INT = 2**53


def _valid_unicode(text: str) -> str:
    """Lone surrogates (possible in JSON's \\ud800) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("texte qui contient des caractères invalides (surrogates isolés)") from None
    return text


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("nombre fini attendu")
    return value


Int = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]
Id = Int  # a negative or unknown id is simply not found (unknown_bloc, ...)
Text = Annotated[StrictStr, AfterValidator(_valid_unicode)]
Flag = StrictBool
# Strict floats take ints too (60 and 60.0), never "60" nor true.
Number = Annotated[float, Field(strict=True, ge=-MAX_INT, le=MAX_INT), AfterValidator(_finite)]


class Payload(BaseModel):
    """Strict types (no "12" for 12, no 1 for true); unknown keys are ignored,
    so an older or newer client still gets its known fields through."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


# -- Socket.IO events ------------------------------------------------------------------


class Sync(Payload):
    since: Int = 0


class NoteAdd(Payload):
    bloc: Id
    text: Text
    column: Text | None = None
    client_id: Annotated[Text, Field(max_length=100)] | None = None


class NoteEdit(Payload):
    id: Id
    text: Text


class NoteRef(Payload):
    id: Id


class BlocRef(Payload):
    bloc: Id


class BlocPhase(BlocRef):
    phase: Text


class ColumnEntry(Payload):
    id: Text | None = None
    label: Text


class BlocFlags(Payload):
    """A bloc's on/off settings, for an edit and in the archive alike."""

    private_writing: Flag = False
    fondamentaux: Flag = False
    participants_group: Flag = False
    vote_stacking: Flag = False
    moderated: Flag = False
    by_table: Flag = False
    plenary: Flag = False


class BlocSettings(BlocFlags):
    title: Text = ""
    prompt: Text = ""
    columns: list[Text | ColumnEntry] | None = None
    timer_seconds: Int | None = None
    vote_budget: Int = 5
    position: Int = 0


class BlocAdd(BlocSettings):
    kind: Text


class BlocUpdate(BlocSettings):
    bloc: Id


class BlocMove(BlocRef):
    position: Int


class Timer(BlocRef):
    action: Text
    seconds: Number | None = None


class BlocDone(BlocRef):
    done: Flag = True


class DrawOpen(Payload):
    open: Flag = True


class DrawVolunteer(Payload):
    volunteer: Flag = True


class DrawRun(Payload):
    mode: Text = "teams"
    team_size: Int = 2
    teams: Int | None = None
    seed: Int | None = None


class DrawAnswer(Payload):
    accept: Flag


class Group(Payload):
    label: Text | None = None
    notes: list[Id]


class ClusterGroup(BlocRef):
    clusters: Annotated[list[Group], Field(min_length=1, max_length=500)]


class Placement(Payload):
    note: Id
    cluster: Id


class ClusterAccept(BlocRef):
    placements: Annotated[list[Placement], Field(max_length=5000)] = []
    clusters: Annotated[list[Group], Field(max_length=500)] = []


class ClusterMove(Payload):
    notes: Annotated[list[Id], Field(max_length=5000)]
    cluster: Id | None = None


class ClusterRef(Payload):
    cluster: Id


class ClusterRename(ClusterRef):
    label: Text


class ClusterMerge(Payload):
    clusters: Annotated[list[Id], Field(min_length=2, max_length=500)]


class Vote(BlocRef):
    item: Text
    dots: Int


class BlocRetained(BlocRef):
    retained: Annotated[list[Text], Field(max_length=50)] | None = None


class VoletAdd(Payload):
    title: Text | None = None
    position: Int = 0


class VoletUpdate(Payload):
    volet: Id
    title: Text | None = None
    position: Int = 0


class VoletRef(Payload):
    volet: Id


class Source(Payload):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    clusters: list[Id] = []
    notes: list[Id] = []


class ActionAdd(Payload):
    volet: Id
    text: Text | None = None
    soutien: Text | None = None
    source: Source | None = None


class ActionUpdate(Payload):
    action: Id
    text: Text | None = None
    soutien: Text | None = None
    volet: Id = 0
    position: Int = 0


class ActionRef(Payload):
    action: Id


class WorkshopLock(Payload):
    locked: Flag


class ParticipantRef(Payload):
    participant: Id


class NoteHide(Payload):
    note: Id
    hidden: Flag


class NoteApprove(Payload):
    """One note ("note"), or every waiting note of a bloc ("bloc")."""

    note: Id | None = None
    bloc: Id | None = None


class ParticipantMute(ParticipantRef):
    muted: Flag


IdentityName = Literal["named", "pseudonym", "anonymous"]


class WorkshopResults(Payload):
    public: Flag


class WorkshopIdentity(Payload):
    identity: IdentityName


class TablesSet(Payload):
    count: Int = 0
    choose: Flag = False
    from_draw: Flag = False


class TableSeat(Payload):
    table: Int | None
    participant: Id | None = None


class TableRapporteur(Payload):
    table: Int
    participant: Id


class TableGroup(BlocRef):
    notes: Annotated[list[Id], Field(max_length=500)]
    label: Annotated[Text, Field(max_length=500)] | None = None


class TableRank(BlocRef):
    clusters: Annotated[list[Id], Field(max_length=500)]


class NotePaper(BlocRef):
    """Paper sticky notes typed in by the animation: one note per line."""

    text: Annotated[Text, Field(max_length=20_000)]
    column: Text | None = None


# Every client event of docs/api.md and its payload: an event is registered
# only through this table, so none can ship without a declared shape.
EVENTS: dict[str, type[Payload]] = {
    "sync": Sync,
    "note:add": NoteAdd,
    "note:edit": NoteEdit,
    "note:delete": NoteRef,
    "bloc:goto": BlocRef,
    "bloc:phase": BlocPhase,
    "bloc:add": BlocAdd,
    "bloc:update": BlocUpdate,
    "bloc:move": BlocMove,
    "bloc:remove": BlocRef,
    "timer": Timer,
    "bloc:done": BlocDone,
    "draw:open": DrawOpen,
    "draw:volunteer": DrawVolunteer,
    "draw:run": DrawRun,
    "draw:answer": DrawAnswer,
    "cluster:suggest": BlocRef,
    "cluster:group": ClusterGroup,
    "cluster:accept": ClusterAccept,
    "cluster:move": ClusterMove,
    "cluster:rename": ClusterRename,
    "cluster:merge": ClusterMerge,
    "cluster:ungroup": ClusterRef,
    "cluster:undo": BlocRef,
    "vote": Vote,
    "bloc:retained": BlocRetained,
    "volet:add": VoletAdd,
    "volet:update": VoletUpdate,
    "volet:remove": VoletRef,
    "action:add": ActionAdd,
    "action:update": ActionUpdate,
    "action:remove": ActionRef,
    "workshop:lock": WorkshopLock,
    "participant:remove": ParticipantRef,
    "participant:mute": ParticipantMute,
    "note:hide": NoteHide,
    "note:approve": NoteApprove,
    "note:paper": NotePaper,
    "workshop:identity": WorkshopIdentity,
    "workshop:results": WorkshopResults,
    "tables:set": TablesSet,
    "table:seat": TableSeat,
    "table:rapporteur": TableRapporteur,
    "table:group": TableGroup,
    "table:rank": TableRank,
}


# -- connecting, and HTTP bodies ----------------------------------------------------------


class Auth(Payload):
    """Socket.IO connect auth. `since` is read leniently elsewhere (a stale
    value only means a full snapshot)."""

    code: Text
    name: Text | None = None
    token: Text | None = None
    facilitator_key: Text | None = None
    cofacilitator_key: Text | None = None
    role: Text | None = None


class WorkshopCreate(Payload):
    template: Text
    title: Annotated[Text, Field(max_length=200)] | None = None
    event: Annotated[Text, Field(max_length=200)] | None = None
    date: Annotated[Text, Field(max_length=200)] | None = None
    facilitator_name: Annotated[Text, Field(max_length=200)] | None = None
    organisation: Annotated[Text, Field(max_length=200)] | None = None
    identity: IdentityName = "named"
    language: Literal["fr", "en"] | None = None


class TemplateSave(Payload):
    title: Annotated[Text, Field(max_length=200)] | None = None
    description: Annotated[Text, Field(max_length=2000)] | None = None


# -- the JSON archive (POST /api/workshops/import, facilitate import) ------------------
# Types and ranges here; references between rows are checked by services/archive.py.

Short = Annotated[Text, Field(max_length=200)]
Long = Annotated[Text, Field(max_length=5000)]
Ref = Annotated[StrictInt, Field(ge=0, le=MAX_INT)]


class ArchiveWorkshop(Payload):
    title: Short
    event: Short = ""
    date: Short = ""
    facilitator_name: Short = ""
    organisation: Short = ""
    template: Short | None = None
    created_at: Short | None = None
    current_bloc: Ref | None = None
    identity: IdentityName = "named"
    language: Literal["fr", "en"] = "fr"


class ArchiveParticipant(Payload):
    ref: Ref
    name: Annotated[Text, Field(max_length=60)] | None = None
    role: Literal["facilitator", "participant"]


class ArchiveColumn(Payload):
    id: Annotated[Text, Field(min_length=1, max_length=40)]
    label: Short


class ArchiveBloc(BlocFlags):
    ref: Ref
    title: Short
    kind: Literal["brainstorm", "columns", "questions"]
    prompt: Long = ""
    columns: Annotated[list[ArchiveColumn], Field(max_length=50)] = []
    timer_seconds: Annotated[StrictInt, Field(ge=1, le=4 * 3600)] | None = None
    vote_budget: Annotated[StrictInt, Field(ge=1, le=20)] = 5
    phase: Literal["ecriture", "devoilement", "regroupement", "vote", "clos"] = "ecriture"
    retained: Annotated[list[Long], Field(max_length=50)] | None = None


class ArchiveCluster(Payload):
    ref: Ref
    bloc: Ref
    label: Long
    column: Short | None = None
    table: Annotated[StrictInt, Field(ge=1, le=50)] | None = None
    rank: Annotated[StrictInt, Field(ge=1, le=MAX_INT)] | None = None


class ArchiveNote(Payload):
    ref: Ref
    bloc: Ref
    column: Short | None = None
    cluster: Ref | None = None
    author: Ref
    text: Long
    created_at: Short | None = None
    updated_at: Short | None = None
    paper: Flag = False
    table: Annotated[StrictInt, Field(ge=1, le=50)] | None = None


class ArchiveVote(Payload):
    participant: Ref
    bloc: Ref
    item: Annotated[Text, Field(pattern=r"^[cn][0-9]{1,15}$")]
    dots: Annotated[StrictInt, Field(ge=1, le=20)]


class ArchiveSource(Source):
    clusters: list[Ref] = []
    notes: list[Ref] = []


class ArchiveAction(Payload):
    text: Long
    soutien: Long = ""
    source: ArchiveSource = ArchiveSource()


class ArchiveVolet(Payload):
    title: Long
    actions: list[ArchiveAction] = []


class Archive(Payload):
    format: Literal["facilitate-atelier"]
    version: Literal[1]
    workshop: ArchiveWorkshop
    participants: list[ArchiveParticipant] = []
    blocs: Annotated[list[ArchiveBloc], Field(min_length=1)]
    clusters: list[ArchiveCluster] = []
    notes: list[ArchiveNote] = []
    votes: list[ArchiveVote] = []
    synthesis: list[ArchiveVolet] = []


# -- reading -----------------------------------------------------------------------------------

_PROBLEMS = {
    "int": "un nombre entier",
    "bool": "true ou false",
    "string": "un texte",
    "list": "une liste",
    "dict": "un objet",
    "model": "un objet",
    "float": "un nombre",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not str(part).startswith(("function-", "union")))


def describe(error: ValidationError) -> str:
    """The first problem, in French, naming the field: « bloc » doit être un nombre entier."""
    first = error.errors(include_url=False)[0]
    name, kind = _field_name(first["loc"]), first["type"]
    if not name:
        return "un objet est attendu."
    if kind == "missing":
        return f"« {name} » est requis."
    if kind in ("greater_than_equal", "less_than_equal", "finite_number"):
        return f"« {name} » est hors des bornes permises."
    if kind in ("too_long", "too_short", "string_too_long", "string_too_short"):
        return f"« {name} » n'a pas une longueur permise."
    if kind == "literal_error":
        return f"« {name} » doit valoir {first['ctx']['expected'].replace(' or ', ' ou ')}."
    if kind == "string_pattern_mismatch":
        return f"« {name} » n'a pas la forme attendue."
    if kind == "extra_forbidden":
        return f"« {name} » n'est pas un champ permis ici."
    if kind == "value_error":
        return f"« {name} » : {first['msg'].removeprefix('Value error, ')}."
    expected = next((text for prefix, text in _PROBLEMS.items() if kind.startswith(prefix)), "d'un autre type")
    return f"« {name} » doit être {expected}."


def _validated(model: type[Payload], payload: Any, code: str) -> Payload:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problem = describe(error)
    except RecursionError:
        problem = "imbrication trop profonde."
    raise FacilitateError(code, f"{'Archive' if code == 'bad_archive' else 'Requête'} invalide : {problem}")


def read(model: type[Payload], payload: Any) -> dict[str, Any]:
    """The payload's fields as sent, once they have the declared shape."""
    return _validated(model, payload, "bad_request").model_dump(exclude_unset=True)


def read_archive(archive: Any) -> dict[str, Any]:
    """An archive of the declared shape, every absent field at its default."""
    return _validated(Archive, archive, "bad_archive").model_dump()
