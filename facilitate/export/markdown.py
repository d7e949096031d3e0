"""The synthesis as Markdown: ``render_markdown(ExportWorkshop) -> str``.

Same content and order as the Word document (:mod:`.docx`): title block,
"## Synthèse : N grands volets" with one "Actions | Soutien" table per volet,
"## Détails des notes" with a "### Bloc N – …" per bloc. A board column or a
question is a "####" sub-heading followed by its list (a Markdown table cannot
hold lists); clusters are "- **<label> (n)**" with their notes indented
below; vote results are a table; then the "grands fondamentaux retenus".

Every text is data, never markup: backslash escapes neutralise Markdown and
HTML ("<script>", "**x**", "[a](b)", "| x |" all show literally), line-start
markers ("- ", "1. ", "# ", "=") are escaped on every line, and line breaks
inside a note stay inside its list item or table cell. French spacing is
applied as in the Word document. Authors are not shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitate.export.document import (
    FONDAMENTAUX_HEADING,
    NO_ACTIONS,
    NO_NOTES,
    NO_VOTES,
    NOTES_HEADING,
    VOTE_HEADING,
    ColumnGroup,
    ExportBloc,
    ExportWorkshop,
    bloc_heading,
    byline,
    cluster_heading,
    column_groups,
    dots,
    event_line,
    french_typography,
    ranking,
    synthesis_heading,
    title_line,
    typography,
    volet_heading,
    without_controls,
    wording,
)
from facilitate.model import BlocKind

__all__ = ["render_markdown", "escape_markdown"]

# Inline markup anywhere on a line: code, emphasis, links/images, HTML and
# entities, strikethrough, table pipes, headings' closing "#".
_INLINE = re.compile(r"([\\`*_\[\]<>&|~#])")
# What opens a block at the start of a line: list items, setext underlines,
# thematic breaks, ordered lists ("1." / "1)").
_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)


def escape_markdown(text: str, typography: Callable[[str], str] = french_typography) -> list[str]:
    """The escaped lines of a text (French spacing applied by default, blank lines dropped)."""
    # Controls go first (as in the Word export), so none can hide a marker from the escaping.
    text = typography(without_controls(text.replace("\r\n", "\n").replace("\r", "\n")))
    return [_escape_line(line) for line in text.split("\n") if line.strip()]


class _Writer:
    """One export: its language's fixed words and typography."""

    def __init__(self, doc: ExportWorkshop) -> None:
        self.language = doc.language
        self.tr = wording(doc)
        self.typography = typography(doc)

    def escape(self, text: str) -> list[str]:
        return escape_markdown(text, self.typography)

    def one_line(self, text: str) -> str:
        """For headings: lines joined by a space."""
        return " ".join(self.escape(text))

    def cell(self, text: str) -> str:
        """For table cells: lines joined by <br>, our only HTML."""
        return "<br>".join(self.escape(text))

    def item(self, text: str, depth: int = 0, *, bold: bool = False) -> str:
        """A list item; a multi-line note continues with hard line breaks."""
        lines = self.escape(text) or [""]
        if bold:
            lines = [f"**{line}**" for line in lines]
        indent = "  " * depth
        return f"{indent}- " + f"\\\n{indent}  ".join(lines)

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        out = ["| " + " | ".join(self.cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
        out += ["| " + " | ".join(self.cell(c) for c in row) + " |" for row in rows]
        return "\n".join(out)

    def group(self, group: ColumnGroup) -> str:
        items: list[str] = []
        for cluster in group.clusters:
            items.append(self.item(cluster_heading(cluster), bold=True))
            items += [self.item(note.text, 1) for note in cluster.notes]
        items += [self.item(note.text) for note in group.notes]
        return "\n".join(items)

    def votes(self, bloc: ExportBloc) -> str:
        ranked = ranking(bloc)
        if not ranked:
            return f"_{self.tr(NO_VOTES)}_"
        with_column = bloc.kind is not BlocKind.BRAINSTORM
        header = [self.tr("Rang"), self.tr("Élément")]
        if with_column:
            header.append(self.tr("Question") if bloc.kind is BlocKind.QUESTIONS else self.tr("Colonne"))
        header.append(self.tr("Pastilles"))
        rows = []
        for item in ranked:
            row = [str(item.rank), item.text if item.count is None else f"{item.text} ({item.count})"]
            if with_column:
                row.append(item.column or "")
            row.append(dots(item.votes))
            rows.append(row)
        return self.table(header, rows)

    def bloc(self, bloc: ExportBloc) -> list[str]:
        no_notes = f"_{self.tr(NO_NOTES)}_"
        parts = [f"### {self.one_line(bloc_heading(bloc, self.language))}"]
        if bloc.prompt.strip():
            parts.append("\n".join(f"_{line}_" for line in self.escape(bloc.prompt)))
        if bloc.note_count == 0:
            parts.append(no_notes)
        elif bloc.kind is BlocKind.BRAINSTORM:
            parts.append(self.group(column_groups(bloc, self.language)[0]))
        else:
            for group in column_groups(bloc, self.language):
                parts.append(f"#### {self.one_line(group.label)}")
                parts.append(self.group(group) if not group.empty else no_notes)
        if bloc.voted:
            parts += [f"#### {self.tr(VOTE_HEADING)}", self.votes(bloc)]
        if bloc.fondamentaux:
            heading = self.one_line(self.tr(FONDAMENTAUX_HEADING))
            parts += [f"#### {heading}", "\n".join(self.item(f) for f in bloc.fondamentaux)]
        return parts

    def render(self, doc: ExportWorkshop) -> str:
        parts: list[str] = []
        line = event_line(doc)
        if line:
            parts.append(f"**{self.one_line(line)}**")
        parts.append(f"# {self.one_line(title_line(doc))}")
        by = byline(doc)
        if by:
            parts.append(f"_{self.one_line(by)}_")
        if doc.volets:
            parts.append(f"## {self.one_line(synthesis_heading(doc))}")
            for number, volet in enumerate(doc.volets, start=1):
                parts.append(f"### {self.one_line(volet_heading(number, volet.title, self.language))}")
                if volet.actions:
                    header = [self.tr("Actions"), self.tr("Soutien")]
                    parts.append(self.table(header, [[a.text, a.soutien] for a in volet.actions]))
                else:
                    parts.append(f"_{self.tr(NO_ACTIONS)}_")
        parts.append(f"## {self.tr(NOTES_HEADING)}")
        for bloc in doc.blocs:
            parts += self.bloc(bloc)
        return "\n\n".join(parts) + "\n"


def render_markdown(doc: ExportWorkshop) -> str:
    """The synthesis as one Markdown (CommonMark + GFM tables) text, in the atelier's language."""
    return _Writer(doc).render(doc)
