"""The Word synthesis: ``render_docx(ExportWorkshop) -> bytes`` (python-docx).

Layout (after seed 001, "Raviver nos couleurs !"):

- title block: the event and date, "Atelier d'échanges : <titre>" (style
  Title), "Animé par <nom> — <organisation>";
- Heading 1 "Synthèse : N grands volets", then per volet a Heading 2
  ("1- Volet communications") and a two-column table "Actions" / "Soutien";
- Heading 1 "Détails des notes", then per bloc a Heading 2
  ("Bloc 2 – …") and its prompt in italics:
  brainstorm -> bullets; columns -> one table column per board column;
  questions -> a Heading 3 per question, then bullets. A cluster is a bold
  bullet "<label> (n)" with its notes as sub-bullets; notes in no cluster
  are plain bullets. Then "Résultats du vote" (Heading 3, a ranking table with
  dots) when the bloc was voted, and "Grands fondamentaux retenus (qui
  reviennent le plus souvent)" (Heading 3, bullets) when it has some.

Only the template's built-in styles are used (Title, Heading 1-3, List Bullet,
List Bullet 2, Table Grid), so Word's navigation pane and LibreOffice both
work. The footer holds "Page X de Y" (PAGE and NUMPAGES fields), the
document language is fr-CA and every text, generated or typed by a
participant, goes through :func:`french_typography`. Authors are not shown.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

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
    ranking,
    synthesis_heading,
    title_line,
    typography,
    volet_heading,
    without_controls,
    wording,
)
from facilitate.model import BlocKind

__all__ = ["render_docx", "LANGUAGE", "LANGUAGES"]

LANGUAGE = "fr-CA"
LANGUAGES = {"fr": LANGUAGE, "en": "en-CA"}  # the atelier's language -> Word's proofing language
TABLE_STYLE = "Table Grid"
BULLET = "List Bullet"
SUB_BULLET = "List Bullet 2"
HEADER_FILL = "DCE6F2"  # a light blue behind table header rows


class _Writer:
    """Builds one document; paragraph styles are resolved once, not per note."""

    def __init__(self, export: ExportWorkshop) -> None:
        self.language = export.language
        self.tr = wording(export)
        self.typography = typography(export)
        self.doc = Document()
        # Setting Paragraph.style looks the style up by name each time
        # (milliseconds); write the resolved style id into w:pStyle instead.
        styles = self.doc.styles
        names = (BULLET, SUB_BULLET, "Title", "Heading 1", "Heading 2", "Heading 3")
        self.style_id = {name: styles[name].style_id for name in names}
        section = self.doc.sections[0]
        # A new document from python-docx's template always has its page size and margins.
        assert section.page_width and section.left_margin and section.right_margin
        self.width = Emu(section.page_width - section.left_margin - section.right_margin)

    def _t(self, text: str) -> str:
        """Text as written into the document: XML-safe, French spacing in French."""
        return self.typography(without_controls(text.replace("\r\n", "\n").replace("\r", "\n")))

    # -- paragraphs ---------------------------------------------------------

    def para(
        self,
        container: DocxDocument | _Cell,
        text: str,
        style: str | None = None,
        *,
        bold: bool = False,
        italic: bool = False,
        reuse: Paragraph | None = None,
    ) -> Paragraph:
        p = reuse if reuse is not None else container.add_paragraph()
        if style is not None:
            p._p.style = self.style_id[style]
        if text:
            text = self._t(text)
            if "\n" in text or "\t" in text:
                run = p.add_run(text)  # python-docx turns these into w:br / w:tab
            else:
                r = p._p.add_r()  # Run.text goes character by character: too slow
                r.add_t(text)
                run = Run(r, p)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
        return p

    def heading(self, text: str, level: int) -> Paragraph:
        """Title (level 0) or Heading 1-3: what Word's navigation pane lists."""
        return self.para(self.doc, text, "Title" if level == 0 else f"Heading {level}")

    # -- tables -------------------------------------------------------------

    def table(self, header: list[str], rows: int, widths: list[float] | None = None) -> Table:
        """A Table Grid table with a bold, shaded header row repeated on each
        page, and rows kept whole: an action never starts on one page and ends
        on the next, away from its Soutien."""
        table: Table = self.doc.add_table(rows=1 + rows, cols=len(header))
        table.style = TABLE_STYLE
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        fractions = widths or [1 / len(header)] * len(header)
        column_widths = [Emu(int(self.width * f)) for f in fractions]
        for column, width in zip(table.columns, column_widths):
            column.width = width
        for row in table.rows:
            _keep_whole(row)
            for cell, width in zip(row.cells, column_widths):
                cell.width = width
        head = table.rows[0]
        _repeat_header(head)
        for cell, label in zip(head.cells, header):
            self.para(cell, label, bold=True, reuse=cell.paragraphs[0])
            _shade(cell, HEADER_FILL)
        return table

    # -- the document -------------------------------------------------------

    def render(self, doc: ExportWorkshop) -> bytes:
        self.setup(doc)
        self.title_block(doc)
        if doc.volets:
            self.synthesis(doc)
        self.heading(self.tr(NOTES_HEADING), 1)
        for bloc in doc.blocs:
            self.bloc(bloc)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def setup(self, doc: ExportWorkshop) -> None:
        tag = LANGUAGES.get(doc.language, LANGUAGE)
        _set_language(self.doc, tag)
        props = self.doc.core_properties
        props.title = self._t(title_line(doc))[:255]
        props.subject = self._t(doc.event)[:255]
        props.author = self._t(doc.facilitator_name)[:255]
        props.last_modified_by = props.author
        props.language = tag
        props.comments = self.tr("Synthèse produite par facilitate")
        _page_number_footer(self.doc, self.tr("Page {page} de {pages}"))

    def title_block(self, doc: ExportWorkshop) -> None:
        line = event_line(doc)
        if line:
            self.para(self.doc, line, bold=True)
        self.heading(title_line(doc), 0)
        by = byline(doc)
        if by:
            self.para(self.doc, by, italic=True)

    def synthesis(self, doc: ExportWorkshop) -> None:
        self.heading(synthesis_heading(doc), 1)
        for number, volet in enumerate(doc.volets, start=1):
            self.heading(volet_heading(number, volet.title, self.language), 2)
            if not volet.actions:
                self.para(self.doc, self.tr(NO_ACTIONS), italic=True)
                continue
            header = [self.tr("Actions"), self.tr("Soutien")]
            table = self.table(header, len(volet.actions), widths=[0.6, 0.4])
            for row, action in zip(table.rows[1:], volet.actions):
                left, right = row.cells
                self.para(left, action.text, reuse=left.paragraphs[0])
                self.para(right, action.soutien, reuse=right.paragraphs[0])

    def bloc(self, bloc: ExportBloc) -> None:
        self.heading(bloc_heading(bloc, self.language), 2)
        if bloc.prompt.strip():
            self.para(self.doc, bloc.prompt.strip(), italic=True)
        if bloc.note_count == 0:
            self.para(self.doc, self.tr(NO_NOTES), italic=True)
        elif bloc.kind is BlocKind.COLUMNS:
            groups = column_groups(bloc, self.language)
            table = self.table([g.label for g in groups], 1)
            for cell, group in zip(table.rows[1].cells, groups):
                self.group(cell, group, first=cell.paragraphs[0])
        elif bloc.kind is BlocKind.QUESTIONS:
            for group in column_groups(bloc, self.language):
                self.heading(group.label, 3)
                if group.empty:
                    self.para(self.doc, self.tr(NO_NOTES), italic=True)
                self.group(self.doc, group)
        else:
            self.group(self.doc, column_groups(bloc, self.language)[0])
        if bloc.voted:
            self.votes(bloc)
        if bloc.fondamentaux:
            self.heading(self.tr(FONDAMENTAUX_HEADING), 3)
            for item in bloc.fondamentaux:
                self.para(self.doc, item, BULLET)

    def group(self, container: DocxDocument | _Cell, group: ColumnGroup, first: Paragraph | None = None) -> None:
        """A column's (or question's) clusters, then its loose notes, as bullets."""
        reuse = [first] if first is not None else []

        def add(text: str, style: str, bold: bool = False) -> None:
            self.para(container, text, style, bold=bold, reuse=reuse.pop() if reuse else None)

        for cluster in group.clusters:
            add(cluster_heading(cluster), BULLET, bold=True)
            for note in cluster.notes:
                add(note.text, SUB_BULLET)
        for note in group.notes:
            add(note.text, BULLET)

    def votes(self, bloc: ExportBloc) -> None:
        self.heading(self.tr(VOTE_HEADING), 3)
        ranked = ranking(bloc)
        if not ranked:
            self.para(self.doc, self.tr(NO_VOTES), italic=True)
            return
        with_column = bloc.kind is not BlocKind.BRAINSTORM
        header = [self.tr("Rang"), self.tr("Élément")]
        widths = [0.1, 0.6]
        if with_column:
            header.append(self.tr("Question") if bloc.kind is BlocKind.QUESTIONS else self.tr("Colonne"))
            widths = [0.1, 0.45, 0.25]
        header.append(self.tr("Pastilles"))
        widths.append(1 - sum(widths))
        table = self.table(header, len(ranked), widths=widths)
        for row, item in zip(table.rows[1:], ranked):
            cells = row.cells
            texts = [str(item.rank), item.text if item.count is None else f"{item.text} ({item.count})"]
            if with_column:
                texts.append(item.column or "")
            texts.append(dots(item.votes))
            for cell, text in zip(cells, texts):
                self.para(cell, text, reuse=cell.paragraphs[0])


def render_docx(doc: ExportWorkshop) -> bytes:
    """The synthesis as a .docx file's bytes."""
    return _Writer(doc).render(doc)


# --------------------------------------------------------------------------
# Low-level XML the python-docx API does not cover
# --------------------------------------------------------------------------


def _set_language(document: DocxDocument, tag: str) -> None:
    """Proofing language of every style (document defaults) and of the theme."""
    styles = document.styles.element
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
    rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None and rpr_default.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), tag)
        rpr_default.append(lang)
    settings = document.settings.element
    for theme_lang in settings.iter(qn("w:themeFontLang")):
        theme_lang.set(qn("w:val"), tag)
    # Let Word check the spelling again (the template claims it is "clean"),
    # and use French decimal and list separators in French.
    for proof in list(settings.iter(qn("w:proofState"))):
        proof.getparent().remove(proof)
    separators = (("w:decimalSymbol", ","), ("w:listSeparator", ";")) if tag.startswith("fr") else ()
    for name, value in separators:
        for element in settings.iter(qn(name)):
            element.set(qn("w:val"), value)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A simple field (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number_footer(document: DocxDocument, wording: str) -> None:
    """wording: "Page {page} de {pages}" in the document's language."""
    footer = document.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, piece in enumerate(re.split(r"\{(page|pages)\}", wording)):
        if i % 2 == 0:
            if piece:
                p.add_run(piece)
        else:
            _field(p, "PAGE" if piece == "page" else "NUMPAGES", "1")
    for run in p.runs:
        run.font.size = Pt(9)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_whole(row: _Row) -> None:
    # cantSplit comes first in w:trPr's schema sequence (before trHeight, tblHeader).
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)
