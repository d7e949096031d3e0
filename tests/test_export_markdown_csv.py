"""The export model and its pure helpers (French spacing, ranking, columns),
then the Markdown and CSV renderers: structure, escaping, formula
neutralisation, anonymous authors."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest

from facilitate.demo import BLOC2, MAITRISE, MISER, PROTEGER, QUESTIONS, seed001
from facilitate.export.csv import HEADER, neutralise, render_csv
from facilitate.export.document import (
    ExportAction,
    ExportBloc,
    ExportCluster,
    ExportNote,
    ExportVolet,
    ExportWorkshop,
    column_groups,
    format_date_fr,
    french_typography,
    ranking,
    volet_heading,
)
from facilitate.export.markdown import render_markdown
from facilitate.model import BlocKind

NBSP, NNBSP = "\u00a0", "\u202f"


# -- the model -------------------------------------------------------------------


def test_model_is_frozen_and_normalised():
    bloc = ExportBloc(1, "B", "columns", "p", columns=["A", "B"], loose_notes=[ExportNote("x", column="A")])
    assert bloc.kind is BlocKind.COLUMNS
    assert bloc.columns == ("A", "B") and isinstance(bloc.loose_notes, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        bloc.title = "autre"  # type: ignore[misc]
    with pytest.raises(ValueError):
        ExportBloc(1, "B", "tableau", "")
    cluster = ExportCluster("G", [ExportNote("a"), ExportNote("b")])
    assert cluster.count == 2 and hash(cluster)
    assert BLOC2.note_count == 3 + 2 + 2 + 2 + 15 + 16


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Raviver nos couleurs !", f"Raviver nos couleurs{NNBSP}!"),
        ("Engagement, vocation (folie!)", f"Engagement, vocation (folie{NNBSP}!)"),
        ("Atelier d'échanges : x", f"Atelier d'échanges{NBSP}: x"),
        ("Synthèse: 4 volets", f"Synthèse{NBSP}: 4 volets"),
        ("deux espaces  ; un seul", f"deux espaces{NNBSP}; un seul"),
        ("Quoi?!", f"Quoi{NNBSP}?!"),
        ("MTESS?, Plan de transition? , Clément", f"MTESS{NNBSP}?, Plan de transition{NNBSP}? , Clément"),
        ("« Humain au cœur »", f"«{NBSP}Humain au cœur{NBSP}»"),
        ("«serré»", f"«{NBSP}serré{NBSP}»"),
        # left alone
        ("?", "?"),
        ("(?)", "(?)"),
        ("Rendez-vous à 14:30", "Rendez-vous à 14:30"),
        ("std::vector a?b", "std::vector a?b"),
        ("Voir http://rqds.org/?p=1&q=2 : la plateforme", f"Voir http://rqds.org/?p=1&q=2{NBSP}: la plateforme"),
        ("https://exemple.ca/a:b!", f"https://exemple.ca/a:b{NNBSP}!"),
        ("Écrire à info@rqds.org: merci", f"Écrire à info@rqds.org{NBSP}: merci"),
        ("&amp; &nbsp;", "&amp; &nbsp;"),
        (f"déjà{NBSP}: ok{NNBSP}!", f"déjà{NBSP}: ok{NNBSP}!"),
        (f"fine{NNBSP}: gardée", f"fine{NNBSP}: gardée"),
        ("ligne\n: début", "ligne\n: début"),
        ("", ""),
    ],
)
def test_french_typography(text, expected):
    assert french_typography(text) == expected
    assert french_typography(expected) == expected  # idempotent


def test_french_typography_never_doubles_spaces():
    out = french_typography("a : b ; c ! d ? e  :  f")
    assert out == f"a{NBSP}: b{NNBSP}; c{NNBSP}! d{NNBSP}? e{NBSP}:  f"
    assert not re.search(r"\s[\u00a0\u202f]|[\u00a0\u202f]\s", out.replace("  f", ""))


def test_wording_helpers():
    assert format_date_fr("2016-05-20") == "20 mai 2016"
    assert format_date_fr("2024-08-01") == "1er août 2024"
    assert format_date_fr("printemps 2016") == "printemps 2016"
    assert volet_heading(1, "Communications") == "1- Volet communications"
    assert volet_heading(2, "RQDS") == "2- Volet RQDS"
    assert volet_heading(3, "Volet membres") == "3- Volet membres"


def test_column_groups_and_ranking():
    groups = column_groups(BLOC2)
    assert [g.label for g in groups] == [MISER, PROTEGER]
    assert [c.label for c in groups[0].clusters] == [MAITRISE, "Communauté de pratiques"]
    assert len(groups[0].notes) == 15 and len(groups[1].notes) == 16
    bloc = ExportBloc(
        1, "B", "brainstorm", "",
        clusters=(ExportCluster("G1", (ExportNote("a"),), votes=2), ExportCluster("G2", (), votes=4)),
        loose_notes=(ExportNote("n1", votes=2), ExportNote("n0"), ExportNote("n3", votes=1)),
    )  # fmt: skip
    assert [(r.rank, r.text, r.votes, r.count) for r in ranking(bloc)] == [
        (1, "G2", 4, 0),
        (2, "G1", 2, 1),
        (2, "n1", 2, None),
        (4, "n3", 1, None),
    ]


# -- Markdown ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_md() -> str:
    return render_markdown(seed001())


def test_markdown_structure(seed_md):
    lines = seed_md.splitlines()
    assert lines[0] == "**Activité printanière du RQDS — 20 mai 2016**"
    assert lines[2] == f"# Atelier d'échanges{NBSP}: Raviver nos couleurs{NNBSP}!"
    assert lines[4] == "_Animé par Sonia Racine — Communagir_"
    heads = [line for line in lines if line.startswith("#")]
    assert heads[:8] == [
        f"# Atelier d'échanges{NBSP}: Raviver nos couleurs{NNBSP}!",
        f"## Synthèse{NBSP}: 4 grands volets",
        "### 1- Volet communications",
        "### 2- Volet impacts",
        "### 3- Volet reconnaissance",
        "### 4- Volet membres",
        "## Détails des notes",
        "### Bloc 1 – Bilan croisé des acquis",
    ]
    assert f"#### {MISER}" in heads and "#### À protéger, à préserver, et qui nous distingue" in heads
    assert "#### Grands fondamentaux retenus (qui reviennent le plus souvent)" in heads
    for question in QUESTIONS:
        assert "#### " + french_typography(question) in heads
    # volet tables
    assert "| Actions | Soutien |\n| --- | --- |\n| Simplifier, clarifier le DS" in seed_md
    assert f"| Accompagner les régions sans démarche | Marrainage{NNBSP}? |" in lines
    # clusters: bold label with its count, notes indented below
    i = lines.index("- **Communauté de pratiques (2)**")
    assert lines[i + 1 : i + 3] == ["  - Communauté de pratiques", "  - Notre communauté de pratiques"]
    assert "- **Humain au cœur (2)**" in lines
    assert f"- **{MAITRISE} (3)**" in lines
    # order: synthesis, then the notes; bloc 2 before bloc 4
    assert seed_md.index("## Synthèse") < seed_md.index("## Détails des notes") < seed_md.index("### Bloc 4")


def test_markdown_vote_table():
    bloc = dataclasses.replace(
        BLOC2, voted=True, clusters=tuple(dataclasses.replace(c, votes=v) for c, v in zip(BLOC2.clusters, (1, 4, 0, 0)))
    )
    md = render_markdown(ExportWorkshop("T", blocs=(bloc,)))
    assert (
        "#### Résultats du vote\n\n| Rang | Élément | Colonne | Pastilles |\n| --- | --- | --- | --- |\n"
        f"| 1 | Communauté de pratiques (2) | {MISER} | ●●●●{NBSP}4 |\n"
        f"| 2 | {MAITRISE} (3) | {MISER} | ●{NBSP}1 |\n"
    ) in md


EVIL = [
    "<script>alert('x')</script>",
    "**gras** et _italique_ et `code`",
    "[lien](http://mal.example) ![img](http://mal.example/i.png)",
    "a | b | c",
    "# pas un titre",
    "- pas une puce",
    "1. pas une liste",
    "> pas une citation",
    "&lt;b&gt; &amp;",
    "ligne un\n===\n+ deux",
]


def _bare(md_line: str) -> str:
    """What a Markdown reader shows for an escaped text: backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", md_line)


def test_markdown_escapes_participant_text():
    notes = tuple(ExportNote(text) for text in EVIL)
    doc = ExportWorkshop(
        "Titre <i>",
        volets=(ExportVolet("Com", (ExportAction("x | y", "<b>soutien</b>"),)),),
        blocs=(ExportBloc(1, "B", "brainstorm", "", loose_notes=notes),),
    )
    md = render_markdown(doc)
    # no raw HTML, no live emphasis/links/code, pipes escaped
    assert "<script>" not in md and "<b>" not in md and "<i>" not in md
    for token in ("**gras**", "_italique_", "`code`", "[lien]", "![img]", "a | b"):
        assert token not in md, token
    assert not re.search(r"(?<!\\)[&<>`|\[\]]", md.replace("<br>", "").replace("| ", "").replace(" |", ""))
    assert "\\&lt;b\\&gt; \\&amp;" in md
    assert "\\<script\\>alert('x')\\</script\\>" in md
    assert "| x \\| y | \\<b\\>soutien\\</b\\> |" in md
    items = [line for line in md.splitlines() if line.startswith("- ") or line.startswith("  ")]
    # each note is one list item whose first character cannot open a block
    assert "- \\# pas un titre" in items
    assert "- \\- pas une puce" in items
    assert "- 1\\. pas une liste" in items
    assert "- \\> pas une citation" in items
    # a multi-line note stays in its item: hard breaks, escaped continuation lines
    i = items.index("- ligne un\\")
    assert items[i + 1 : i + 3] == ["  \\===\\", "  \\+ deux"]
    # what a reader sees is the participant's text
    shown = [_bare(line[2:]) for line in items if line.startswith("- ")]
    assert shown[: len(EVIL) - 1] == [french_typography(t) for t in EVIL[:-1]]


# -- CSV -------------------------------------------------------------------------


def parse(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_csv_one_row_per_note_with_french_header():
    text = render_csv(seed001())
    rows = parse(text)
    assert rows[0] == list(HEADER)
    assert rows[0] == ["N° bloc", "Bloc", "Colonne ou question", "Regroupement", "Votes",
                       "Votes du regroupement", "Auteur", "Heure", "Texte"]  # fmt: skip
    assert len(rows) - 1 == sum(b.note_count for b in seed001().blocs)
    assert text.endswith("\r\n") and "\r\n" in text
    first = rows[1]
    assert first[:4] == ["1", "Bilan croisé des acquis", "", ""]
    assert first[6] == "" and first[7] == "2016-05-20T13:06:00-04:00"
    clustered = [r for r in rows if r[3] == "Communauté de pratiques"]
    assert [r[8] for r in clustered] == ["Communauté de pratiques", "Notre communauté de pratiques"]
    assert all(r[0] == "2" and r[2] == MISER and r[5] == "0" for r in clustered)
    loose = [r for r in rows if r[8] == "Engagement, vocation (folie!)"]  # data: typed text kept
    assert loose and loose[0][3] == "" and loose[0][5] == ""
    q = [r for r in rows if r[0] == "5"]
    assert {r[2] for r in q} == set(QUESTIONS)


def test_csv_authors_votes_and_formula_neutralisation():
    notes = (
        ExportNote('=HYPERLINK("http://mal.example";"clic")', author="Ana", created_at="t1", votes=2),
        ExportNote("+33 1 23", author=None, created_at="t2"),
        ExportNote("-1", author="@moi", created_at="t3"),
        ExportNote("\tonglet", author="=cmd|' /C calc'!A0", created_at="t4"),
        ExportNote("\rretour", created_at="t5"),
        ExportNote("＝fullwidth", created_at="t6"),
        ExportNote('texte; avec "guillemets"\net saut', created_at="t7"),
        ExportNote("a=b sans danger", created_at="t8"),
    )
    doc = ExportWorkshop(
        "T",
        blocs=(ExportBloc(3, "=Bloc", "questions", "", columns=("-Q?",),
                          clusters=(ExportCluster("@groupe", notes[:1], column="-Q?", votes=5),),
                          loose_notes=tuple(dataclasses.replace(n, column="-Q?") for n in notes[1:])),),
    )  # fmt: skip
    rows = parse(render_csv(doc))[1:]
    assert [r[8] for r in rows] == [
        '\'=HYPERLINK("http://mal.example";"clic")',
        "'+33 1 23",
        "'-1",
        "'\tonglet",
        "'\rretour",
        "'＝fullwidth",
        'texte; avec "guillemets"\net saut',
        "a=b sans danger",
    ]
    assert [r[6] for r in rows[:4]] == ["Ana", "", "'@moi", "'=cmd|' /C calc'!A0"]
    assert rows[0][:6] == ["3", "'=Bloc", "'-Q?", "'@groupe", "2", "5"]
    assert rows[1][3:6] == ["", "0", ""]
    assert neutralise("ok") == "ok" and neutralise("") == ""
    # no cell of any row starts with a formula character
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_csv_comma_delimiter_and_utf8_sig_round_trip():
    text = render_csv(seed001(), delimiter=",")
    data = text.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = parse(data.decode("utf-8-sig"), delimiter=",")
    assert rows[0][0] == "N° bloc"
    assert any(r[8] == "Humain au cœur" for r in rows)
