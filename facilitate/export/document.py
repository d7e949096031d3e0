"""The export model: what a synthesis document says, as plain frozen data.

The server builds an :class:`ExportWorkshop` from its database; the renderers
(:mod:`.docx`, :mod:`.markdown`, :mod:`.csv`) turn it into bytes or text.
Nothing here knows about Flask, SQL or a file format.

The model, smallest first::

    ExportNote(text, author=None, column=None, created_at="", votes=0)
    ExportCluster(label, notes=(), column=None, votes=0)        # .count == len(notes)
    ExportBloc(number, title, kind, prompt="", columns=(), clusters=(),
               loose_notes=(), voted=False, fondamentaux=())
    ExportAction(text, soutien="")
    ExportVolet(title, actions=())
    ExportWorkshop(title, event="", date="", facilitator_name="",
                   organisation="", volets=(), blocs=())

Conventions the builder must follow:

- ``ExportNote.column`` and ``ExportCluster.column`` hold the *label* of a
  board column (``columns`` bloc) or of a question (``questions`` bloc),
  exactly as it appears in ``ExportBloc.columns``; ``None`` in a
  ``brainstorm`` bloc. A cluster without a column takes its notes' column
  when they all agree. Notes or clusters whose column is unknown are shown
  under "Sans colonne" / "Autres notes" rather than dropped.
- ``author`` is the participant's display name, ``None`` when anonymous.
  Only the CSV shows authors: the Word and Markdown syntheses are anonymous.
- ``created_at`` is shown as given (the server's ISO 8601 string).
- ``ExportCluster.votes`` is every dot that counts for the group (the builder
  applies its own rule for dots cast on a note before it was grouped);
  ``ExportNote.votes`` counts for a note outside any cluster. The ranking
  ("Résultats du vote") is shown when ``ExportBloc.voted`` is true.
- ``ExportBloc.kind`` is a :class:`facilitate.model.BlocKind` or its string
  value; lists are accepted wherever a tuple is declared and are frozen
  into tuples.
- ``ExportWorkshop.date`` is ISO ``YYYY-MM-DD`` (shown as "20 mai 2016"), or
  any free text, shown as is.

The shared wording (headings, counts, ranking) lives here too, so the Word and
Markdown documents say the same thing, and :func:`french_typography` applies
Québec French spacing before ``: ; ! ?`` and inside « ».
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date as _date

from facilitate.i18n import N_, translate
from facilitate.model import BlocKind

__all__ = [
    "ExportAction",
    "ExportBloc",
    "ExportCluster",
    "ExportNote",
    "ExportVolet",
    "ExportWorkshop",
    "ColumnGroup",
    "RankedItem",
    "FONDAMENTAUX_HEADING",
    "NOTES_HEADING",
    "VOTE_HEADING",
    "bloc_heading",
    "byline",
    "cluster_heading",
    "column_groups",
    "dots",
    "event_line",
    "format_date_fr",
    "typography",
    "wording",
    "french_typography",
    "ranking",
    "synthesis_heading",
    "title_line",
    "volet_heading",
    "without_controls",
]

# Control characters a phone can still send (NUL, ESC, DEL, C1), and what
# XML 1.0 cannot hold: no export keeps them. Tab and line breaks stay.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def without_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


NBSP = "\u00a0"  # espace insécable : before « : » and inside « »
NNBSP = "\u202f"  # espace fine insécable : before ; ! ?


def _freeze(obj: object) -> None:
    """Turn list fields of a frozen dataclass into tuples (after __init__)."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, list):
            object.__setattr__(obj, f.name, tuple(value))


@dataclass(frozen=True)
class ExportNote:
    text: str
    author: str | None = None
    column: str | None = None
    created_at: str = ""
    votes: int = 0


@dataclass(frozen=True)
class ExportCluster:
    label: str
    notes: tuple[ExportNote, ...] = ()
    column: str | None = None
    votes: int = 0

    def __post_init__(self) -> None:
        _freeze(self)

    @property
    def count(self) -> int:
        return len(self.notes)

    @property
    def effective_column(self) -> str | None:
        """Its own column, else the column all its notes share, else None."""
        if self.column is not None:
            return self.column
        found = {n.column for n in self.notes}
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class ExportBloc:
    number: int
    title: str
    kind: BlocKind
    prompt: str = ""
    columns: tuple[str, ...] = ()  # board columns, or the questions
    clusters: tuple[ExportCluster, ...] = ()
    loose_notes: tuple[ExportNote, ...] = ()  # notes in no cluster
    voted: bool = False
    fondamentaux: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", BlocKind(self.kind))
        _freeze(self)

    @property
    def note_count(self) -> int:
        return len(self.loose_notes) + sum(c.count for c in self.clusters)


@dataclass(frozen=True)
class ExportAction:
    text: str
    soutien: str = ""


@dataclass(frozen=True)
class ExportVolet:
    title: str
    actions: tuple[ExportAction, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True)
class ExportWorkshop:
    title: str
    event: str = ""
    date: str = ""
    facilitator_name: str = ""
    organisation: str = ""
    volets: tuple[ExportVolet, ...] = ()
    blocs: tuple[ExportBloc, ...] = ()
    language: str = "fr"  # the fixed words' language (facilitate.i18n.LANGUAGES)

    def __post_init__(self) -> None:
        _freeze(self)


# --------------------------------------------------------------------------
# French typography
# --------------------------------------------------------------------------

# Left alone: URLs, e-mail-like tokens, "www." addresses, HTML entities.
_PROTECTED = re.compile(
    r"(?:\b[a-zA-Z][a-zA-Z0-9+.\-]*://|\bwww\.|\bmailto:)[^\s<>«»\"]*"
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|&#?\w{1,32};"
)
# Spaces (regular or not) then a run of high punctuation.
_HIGH = re.compile(r"([ \t\u00a0\u202f]*)([:;!?]+)")
_AFTER_OK = set(".,)]}»\"'’”…") | set(":;!?")
_OPENERS = set("([{«“‘'\"/\\")
_OPEN_GUILLEMET = re.compile(r"«([ \t\u00a0\u202f]*)(?=\S)")
_CLOSE_GUILLEMET = re.compile(r"(?<=\S)([ \t\u00a0\u202f]*)»")


def _protected_spans(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text and "@" not in text and "&" not in text and "mailto:" not in text:
        return []
    spans = []
    for m in _PROTECTED.finditer(text):
        url = m.group(0)
        if not url.startswith("&"):
            url = url.rstrip(".,;:!?)")  # a sentence's own punctuation is not the URL's
        spans.append((m.start(), m.start() + len(url)))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def french_typography(text: str) -> str:
    """Québec French spacing, as the OQLF recommends for typeset text.

    - ``:`` gets a non-breaking space (U+00A0) before it;
    - ``;``, ``!`` and ``?`` get a narrow non-breaking space (U+202F);
    - « and » get a non-breaking space on their inner side.

    Ordinary spaces before the sign become the non-breaking one (never two
    spaces); an existing U+00A0/U+202F is kept. Left alone: URLs and e-mail
    addresses, a sign with nothing before it on its line ("?" alone), a sign
    followed by a letter or digit ("14:30", "a?b"), an opening bracket before
    it ("(?)"). Idempotent: applying it twice changes nothing more.
    """
    if not text or not any(ch in text for ch in ":;!?«»"):
        return text
    spans = _protected_spans(text)

    def high(m: re.Match[str]) -> str:
        spaces, marks = m.group(1), m.group(2)
        start, end = m.start(), m.end()
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if _inside(m.start(2), spans) or (spaces and _inside(start, spans)):
            return m.group(0)
        if not before or before.isspace() or before in _OPENERS:
            return m.group(0)  # nothing on its left: "?" alone, "(?)", a line starting with ":"
        if after and not after.isspace() and after not in _AFTER_OK:
            return m.group(0)  # "14:30", "std::x", "a?b": not French punctuation
        if spaces in (NBSP, NNBSP):
            return m.group(0)  # already right (a writer's own choice is kept)
        return (NBSP if marks[0] == ":" else NNBSP) + marks

    def guillemet(m: re.Match[str], opening: bool) -> str:
        if m.group(1) in (NBSP, NNBSP) or _inside(m.start(), spans):
            return m.group(0)
        return "«" + NBSP if opening else NBSP + "»"

    text = _HIGH.sub(high, text)
    if "«" in text:
        spans = _protected_spans(text)
        text = _OPEN_GUILLEMET.sub(lambda m: guillemet(m, True), text)
    if "»" in text:
        spans = _protected_spans(text)
        text = _CLOSE_GUILLEMET.sub(lambda m: guillemet(m, False), text)
    return text


# --------------------------------------------------------------------------
# Shared wording
# --------------------------------------------------------------------------

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Fixed words, translated by the renderers into the atelier's language (wording(doc)).
NOTES_HEADING = N_("Détails des notes")
VOTE_HEADING = N_("Résultats du vote")
FONDAMENTAUX_HEADING = N_("Grands fondamentaux retenus (qui reviennent le plus souvent)")
NO_NOTES = N_("Aucune note.")
NO_ACTIONS = N_("Aucune action retenue.")
NO_VOTES = N_("Aucun vote.")


def wording(doc: ExportWorkshop) -> Callable[..., str]:
    """tr(msgid, **params): a fixed word in the atelier's language."""
    return functools.partial(translate, doc.language)


def typography(doc: ExportWorkshop) -> Callable[[str], str]:
    """French spacing in a French atelier's export; English keeps the text as typed."""
    return french_typography if doc.language == "fr" else _as_typed


def _as_typed(text: str) -> str:
    return text


def format_date_fr(value: str, language: str = "fr") -> str:
    """ "2016-05-20" -> "20 mai 2016" ("1er" for the first), in English
    "May 20, 2016"; other text as is."""
    try:
        d = _date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else None
    except ValueError:
        d = None
    if d is None:
        return value.strip()
    if language != "fr":
        return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"


def event_line(doc: ExportWorkshop) -> str:
    """ "Activité printanière du RQDS — 20 mai 2016" (either part may be missing)."""
    return " — ".join(p for p in (doc.event.strip(), format_date_fr(doc.date, doc.language)) if p)


def title_line(doc: ExportWorkshop) -> str:
    return translate(doc.language, "Atelier d'échanges : {title}", title=doc.title.strip())


def byline(doc: ExportWorkshop) -> str:
    """ "Animé par Sonia Racine — Communagir", or "" when nobody is named."""
    who = " — ".join(p for p in (doc.facilitator_name.strip(), doc.organisation.strip()) if p)
    return translate(doc.language, "Animé par {who}", who=who) if who else ""


def synthesis_heading(doc: ExportWorkshop) -> str:
    n = len(doc.volets)
    if n == 1:
        return translate(doc.language, "Synthèse : {n} grand volet", n=n)
    return translate(doc.language, "Synthèse : {n} grands volets", n=n)


def volet_heading(number: int, title: str, language: str = "fr") -> str:
    """(1, "Communications") -> "1- Volet communications".

    A title already starting with "Volet" is kept; an acronym ("RQDS") keeps
    its capitals. In English: "1- Communications".
    """
    title = title.strip()
    if language != "fr":
        return translate(language, "{number}- Volet {title}", number=number, title=title)
    if title.lower().startswith("volet"):
        return f"{number}- {title}"
    first = title.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower():
        title = title[0].lower() + title[1:]
    return f"{number}- Volet {title}"


def bloc_heading(bloc: ExportBloc, language: str = "fr") -> str:
    return translate(language, "Bloc {number} – {title}", number=bloc.number, title=bloc.title.strip())


def cluster_heading(cluster: ExportCluster) -> str:
    """ "Communauté de pratiques (2)"."""
    return f"{cluster.label.strip()} ({cluster.count})"


def dots(votes: int, most: int = 10) -> str:
    """ "●●● 3": one dot per vote (at most ``most``, then "…"), and the number."""
    shown = "●" * min(votes, most) + ("…" if votes > most else "")
    return f"{shown}{NBSP}{votes}"


@dataclass(frozen=True)
class ColumnGroup:
    """The clusters and loose notes of one board column or one question."""

    label: str  # "" for a brainstorm bloc
    clusters: tuple[ExportCluster, ...]
    notes: tuple[ExportNote, ...]

    @property
    def empty(self) -> bool:
        return not self.clusters and not self.notes


def column_groups(bloc: ExportBloc, language: str = "fr") -> tuple[ColumnGroup, ...]:
    """Clusters and loose notes split by column/question, in the bloc's order.

    A brainstorm bloc gives one group labelled "". Anything whose column is not
    one of ``bloc.columns`` goes to a last "Sans colonne" (columns) or "Autres
    notes" (questions) group, present only when non-empty.
    """
    if bloc.kind is BlocKind.BRAINSTORM:
        return (ColumnGroup("", bloc.clusters, bloc.loose_notes),)
    labels = list(dict.fromkeys(bloc.columns))
    clusters: dict[str | None, list[ExportCluster]] = {label: [] for label in labels}
    notes: dict[str | None, list[ExportNote]] = {label: [] for label in labels}
    clusters[None], notes[None] = [], []
    for c in bloc.clusters:
        col = c.effective_column
        clusters[col if col in notes else None].append(c)
    for n in bloc.loose_notes:
        notes[n.column if n.column in notes else None].append(n)
    groups = [ColumnGroup(label, tuple(clusters[label]), tuple(notes[label])) for label in labels]
    if clusters[None] or notes[None]:
        if bloc.kind is BlocKind.COLUMNS:
            other = translate(language, "Sans colonne")
        else:
            other = translate(language, "Autres notes")
        groups.append(ColumnGroup(other, tuple(clusters[None]), tuple(notes[None])))
    return tuple(groups)


@dataclass(frozen=True)
class RankedItem:
    rank: int  # 1, 2, 2, 4: ties share a rank
    text: str  # the cluster's label, or the note's text
    column: str | None
    votes: int
    count: int | None  # the cluster's number of notes, None for a lone note


def ranking(bloc: ExportBloc) -> tuple[RankedItem, ...]:
    """Clusters and loose notes with at least one dot, most dots first.

    Ties keep the bloc's order and share a rank ("1, 2, 2, 4").
    """
    items: list[tuple[str, str | None, int, int | None]] = [
        (c.label.strip(), c.effective_column, c.votes, c.count) for c in bloc.clusters if c.votes > 0
    ]
    items += [(n.text.strip(), n.column, n.votes, None) for n in bloc.loose_notes if n.votes > 0]
    items.sort(key=lambda item: -item[2])  # stable: ties keep their order
    ranked: list[RankedItem] = []
    for i, (text, column, votes, count) in enumerate(items):
        rank = ranked[-1].rank if ranked and ranked[-1].votes == votes else i + 1
        ranked.append(RankedItem(rank, text, column, votes, count))
    return tuple(ranked)
