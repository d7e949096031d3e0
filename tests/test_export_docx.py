"""The Word synthesis of seed 001, reopened with python-docx and converted by
LibreOffice: its outline, the volet tables, bloc 2's two-column board with the
"(n)" counts, bullets, question sub-headings, fondamentaux, vote results, the
footer's page field, the language and the French spacing."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from facilitate.demo import BLOC2, MAITRISE, MISER, PROTEGER, QUESTIONS, seed001
from facilitate.export.document import (
    FONDAMENTAUX_HEADING,
    ExportBloc,
    ExportCluster,
    ExportNote,
    ExportWorkshop,
    french_typography,
)
from facilitate.export.docx import render_docx

NBSP, NNBSP = "\u00a0", "\u202f"
ft = french_typography


@pytest.fixture(scope="module")
def seed_bytes() -> bytes:
    return render_docx(seed001())


@pytest.fixture(scope="module")
def seed_doc(seed_bytes):
    return docx.Document(io.BytesIO(seed_bytes))


def blocks(document) -> list[Paragraph | Table]:
    return list(document.iter_inner_content())


def headings(document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading") or p.style.name == "Title"
    ]


def after(document, style: str, text: str) -> list[Paragraph | Table]:
    """The blocks after a heading, up to the next heading of the same or a higher level."""
    items = blocks(document)
    for i, item in enumerate(items):
        if isinstance(item, Paragraph) and item.style.name == style and item.text == text:
            level = int(style[-1]) if style[-1].isdigit() else 0
            out = []
            for nxt in items[i + 1 :]:
                name = nxt.style.name if isinstance(nxt, Paragraph) else ""
                if name.startswith("Heading") and int(name[-1]) <= level:
                    break
                out.append(nxt)
            return out
    raise AssertionError(f"no {style} {text!r} in {headings(document)}")


def cell_lines(cell) -> list[tuple[str, str, bool]]:
    """(style, text, bold) of each paragraph of a table cell."""
    return [(p.style.name, p.text, any(r.bold for r in p.runs)) for p in cell.paragraphs]


def all_texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


# -- structure -------------------------------------------------------------


def test_title_block(seed_doc):
    first = blocks(seed_doc)[:3]
    assert [p.text for p in first] == [
        "Activité printanière du RQDS — 20 mai 2016",
        f"Atelier d'échanges{NBSP}: Raviver nos couleurs{NNBSP}!",
        "Animé par Sonia Racine — Communagir",
    ]
    assert first[1].style.name == "Title"
    assert all(r.bold for r in first[0].runs) and all(r.italic for r in first[2].runs)


def test_outline_uses_builtin_heading_styles(seed_doc):
    expected = [
        ("Title", f"Atelier d'échanges{NBSP}: Raviver nos couleurs{NNBSP}!"),
        ("Heading 1", f"Synthèse{NBSP}: 4 grands volets"),
        ("Heading 2", "1- Volet communications"),
        ("Heading 2", "2- Volet impacts"),
        ("Heading 2", "3- Volet reconnaissance"),
        ("Heading 2", "4- Volet membres"),
        ("Heading 1", "Détails des notes"),
        ("Heading 2", "Bloc 1 – Bilan croisé des acquis"),
        ("Heading 2", "Bloc 2 – Travail collectif – les couleurs fondamentales du RQDS"),
        ("Heading 3", FONDAMENTAUX_HEADING),
        ("Heading 2", "Bloc 4 – Travail collectif - Fondamentaux du contexte desquels il faut tenir compte"),
        ("Heading 2", f"Bloc 5 – Travail collectif{NBSP}: s'adapter pour être tournés vers l'avenir"),
    ] + [("Heading 3", question.replace("?", f"{NNBSP}?")) for question in QUESTIONS]
    assert headings(seed_doc) == expected


def test_volet_tables_hold_actions_and_soutien(seed_doc):
    doc = seed001()
    for number, volet in enumerate(doc.volets, start=1):
        title = f"{number}- Volet {volet.title.lower()}"
        (table,) = after(seed_doc, "Heading 2", title)
        assert isinstance(table, Table)
        assert table.style.name == "Table Grid"
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows[0] == ["Actions", "Soutien"]
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # repeated on each page
        assert all(r.bold for cell in table.rows[0].cells for r in cell.paragraphs[0].runs)
        assert rows[1:] == [[ft(a.text), ft(a.soutien)] for a in volet.actions]
    # spot checks against the seed, French spacing included
    (table,) = after(seed_doc, "Heading 2", "3- Volet reconnaissance")
    assert [c.text for c in table.rows[4].cells] == [
        "Formaliser les liens",
        f"Comité RQDS-FQM-UMQ-MAMOT-MTESS{NNBSP}?, Plan de transition{NNBSP}? , Clément Bergeron",
    ]
    (table,) = after(seed_doc, "Heading 2", "4- Volet membres")
    assert [c.text for c in table.rows[1].cells] == ["Accompagner les régions sans démarche", f"Marrainage{NNBSP}?"]
    (table,) = after(seed_doc, "Heading 2", "2- Volet impacts")
    assert table.rows[3].cells[1].text == "?"  # a lone "?" gets no space


def test_brainstorm_bloc_is_a_bullet_list(seed_doc):
    bloc1 = seed001().blocs[0]
    items = after(seed_doc, "Heading 2", "Bloc 1 – Bilan croisé des acquis")
    prompt, *bullets = items
    assert prompt.text == ft(bloc1.prompt) and all(r.italic for r in prompt.runs)
    assert [(p.style.name, p.text) for p in bullets] == [("List Bullet", ft(n.text)) for n in bloc1.loose_notes]
    assert len(bullets) == 8


def test_columns_bloc_is_a_two_column_table_with_counts(seed_doc):
    items = after(seed_doc, "Heading 2", "Bloc 2 – Travail collectif – les couleurs fondamentales du RQDS")
    assert items[0].text == "Résultat des travaux de réflexion en sous-groupe"
    table = items[1]
    assert isinstance(table, Table)
    assert len(table.columns) == 2 and len(table.rows) == 2
    assert [c.text for c in table.rows[0].cells] == [MISER, PROTEGER]
    left, right = (cell_lines(c) for c in table.rows[1].cells)
    # a cluster: a bold "<label> (n)" bullet, its notes as sub-bullets
    assert left[:4] == [
        ("List Bullet", f"{MAITRISE} (3)", True),
        ("List Bullet 2", "Maîtrise des enjeux spécifiques et locaux en contexte de mouvance", False),
        ("List Bullet 2", "Enjeux et thématiques diversifiés", False),
        ("List Bullet 2", "Maîtrise des enjeux de chaque territoire et leurs subtilités", False),
    ]
    assert ("List Bullet", "Communauté de pratiques (2)", True) in left
    assert ("List Bullet", "Humain au cœur (2)", True) in right
    assert ("List Bullet", "Diversité des régions et des territoires (2)", True) in right
    # loose notes are plain bullets in their own column, French spacing applied
    assert ("List Bullet", f"Engagement, vocation (folie{NNBSP}!)", False) in left
    assert right[-1] == ("List Bullet", "Pérennité de la liaison des régions avec le réseau", False)
    assert not any("Pérennité" in text for _, text, _ in left)
    # every note of the bloc is there once: clusters + their notes + loose notes
    assert len(left) + len(right) == len(BLOC2.clusters) + BLOC2.note_count
    # then the fondamentaux, as bullets
    fond = after(seed_doc, "Heading 3", FONDAMENTAUX_HEADING)
    assert [(p.style.name, p.text) for p in fond] == [("List Bullet", ft(f)) for f in BLOC2.fondamentaux]
    assert fond[0].text == "Humain au cœur" and len(fond) == 7


def test_bloc4_board_keeps_an_empty_side_in_its_column(seed_doc):
    items = after(
        seed_doc, "Heading 2", "Bloc 4 – Travail collectif - Fondamentaux du contexte desquels il faut tenir compte"
    )
    (table,) = items  # no prompt in the seed
    assert [c.text for c in table.rows[0].cells] == ["Fondamentaux positifs", "Fondamentaux négatifs"]
    positive, negative = (cell_lines(c) for c in table.rows[1].cells)
    assert len(positive) == 8 and len(negative) == 2
    assert negative[0][1].startswith("Risque que le SACAIS")


def test_questions_bloc_has_a_sub_heading_per_question(seed_doc):
    for question, notes in QUESTIONS.items():
        items = after(seed_doc, "Heading 3", ft(question))
        assert [(p.style.name, p.text) for p in items] == [("List Bullet", ft(n)) for n in notes]
    items = after(seed_doc, "Heading 3", f"Comment incarner encore mieux notre vision{NNBSP}?")
    assert items[1].text == f"mesure d'impact{NBSP}: important{NNBSP}!"


def test_footer_has_page_fields(seed_doc):
    footer = seed_doc.sections[0].footer
    xml = footer._element.xml
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    instructions = [t.strip() for t in footer._element.xpath(".//w:instrText/text()")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Page ")


def test_language_is_canadian_french(seed_doc, seed_bytes):
    assert seed_doc.core_properties.language == "fr-CA"
    langs = seed_doc.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert langs == ["fr-CA"]
    settings = zipfile.ZipFile(io.BytesIO(seed_bytes)).read("word/settings.xml").decode()
    assert 'w:themeFontLang w:val="fr-CA"' in settings


def test_no_ordinary_space_before_high_punctuation(seed_doc):
    texts = all_texts(seed_doc)
    for sign in ":;!?":
        offenders = [t for t in texts if f" {sign}" in t]
        assert not offenders, (sign, offenders[:3])
    joined = "\n".join(texts)
    assert f"Forces{NBSP}: mémoires collectives" in joined
    assert f"(revendications{NNBSP}?, mieux affirmer nos couleurs politiques{NNBSP}? Influence)" in joined


# -- participant text and edge cases -----------------------------------------


def small(*blocs: ExportBloc, **kw) -> ExportWorkshop:
    return ExportWorkshop(title="Essai", blocs=blocs, **kw)


def reopen(doc: ExportWorkshop):
    data = render_docx(doc)
    return docx.Document(io.BytesIO(data)), data


def test_html_and_markdown_in_a_note_stay_literal():
    evil = "<script>alert('x')</script> **gras** &amp; <b>"
    document, data = reopen(small(ExportBloc(1, "B", "brainstorm", "p", loose_notes=(ExportNote(evil),))))
    assert any(p.text == evil for p in document.paragraphs)
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&lt;script&gt;alert('x')&lt;/script&gt; **gras** &amp;amp; &lt;b&gt;" in body
    assert "<script>" not in body


def test_control_characters_and_line_breaks_in_notes():
    notes = (ExportNote("bip\x07 nul\x00 tab\tfin"), ExportNote("ligne 1\nligne 2\r\nligne 3"))
    document, _ = reopen(small(ExportBloc(1, "B", "brainstorm", "", loose_notes=notes)))
    texts = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert texts == ["bip nul tab\tfin", "ligne 1\nligne 2\nligne 3"]
    (multi,) = [p for p in document.paragraphs if p.text.startswith("ligne 1")]
    assert len(multi._p.xpath(".//w:br")) == 2


def test_vote_results_rank_clusters_and_notes_with_dots():
    bloc = dataclasses.replace(
        BLOC2,
        voted=True,
        clusters=tuple(dataclasses.replace(c, votes=v) for c, v in zip(BLOC2.clusters, (3, 5, 3, 0))),
        loose_notes=(dataclasses.replace(BLOC2.loose_notes[0], votes=12),) + BLOC2.loose_notes[1:],
    )
    document, _ = reopen(small(bloc))
    (table,) = after(document, "Heading 3", "Résultats du vote")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [
        ["Rang", "Élément", "Colonne", "Pastilles"],
        ["1", "Polyvalence intersectorielle", MISER, f"●●●●●●●●●●…{NBSP}12"],
        ["2", "Communauté de pratiques (2)", MISER, f"●●●●●{NBSP}5"],
        ["3", f"{MAITRISE} (3)", MISER, f"●●●{NBSP}3"],
        ["3", "Humain au cœur (2)", PROTEGER, f"●●●{NBSP}3"],
    ]
    # the vote comes before the fondamentaux
    names = [h[1] for h in headings(document)]
    assert names.index("Résultats du vote") < names.index(FONDAMENTAUX_HEADING)


def test_voted_bloc_without_dots_and_empty_blocs():
    empty = ExportBloc(1, "Vide", "columns", "", columns=("A", "B"), voted=True)
    document, _ = reopen(small(empty))
    items = after(document, "Heading 2", "Bloc 1 – Vide")
    assert [p.text for p in items if isinstance(p, Paragraph)] == ["Aucune note.", "Résultats du vote", "Aucun vote."]
    assert not document.tables


def test_notes_of_an_unknown_column_are_not_lost():
    bloc = ExportBloc(
        1, "Tableau", "columns", "", columns=("A", "B"),
        clusters=(ExportCluster("Groupe", (ExportNote("n1", column="A"), ExportNote("n2", column="A"))),),
        loose_notes=(ExportNote("perdue?", column="Z"), ExportNote("b", column="B")),
    )  # fmt: skip
    document, _ = reopen(small(bloc))
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["A", "B", "Sans colonne"]
    a, b, other = (cell_lines(c) for c in table.rows[1].cells)
    assert [t for _, t, _ in a] == ["Groupe (2)", "n1", "n2"]  # the cluster took its notes' column
    assert [t for _, t, _ in b] == ["b"]
    assert [t for _, t, _ in other] == [f"perdue{NNBSP}?"]


def test_no_volets_no_synthesis_section_and_missing_title_parts():
    document, _ = reopen(small(ExportBloc(1, "B", "brainstorm", "")))
    assert headings(document) == [
        ("Title", f"Atelier d'échanges{NBSP}: Essai"),
        ("Heading 1", "Détails des notes"),
        ("Heading 2", "Bloc 1 – B"),
    ]
    assert blocks(document)[0].style.name == "Title"  # no empty event line or byline


# -- LibreOffice ---------------------------------------------------------------


def test_libreoffice_converts_it_to_pdf(seed_bytes, tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-writer"
    source = tmp_path / "synthese.docx"
    source.write_bytes(seed_bytes)
    profile = (tmp_path / "lo-profile").as_uri()  # a fresh profile: parallel runs don't collide
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    pdf = tmp_path / "synthese.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000, (result.stdout, result.stderr)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils not installed: PDF converted, its text not checked")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.replace(NBSP, " ").replace(NNBSP, " ").split())
    assert "Synthèse : 4 grands volets" in flat
    assert "Grands fondamentaux retenus (qui reviennent le plus souvent)" in flat
    assert "Communauté de pratiques (2)" in flat
    assert "Page 1 de " in flat
