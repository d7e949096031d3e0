"""Session templates: the bundled files match their seeds, and every mistake a
facilitator can make while editing one is reported with file, place and fix."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from facilitate.model import BlocKind
from facilitate.resources import bundled_path
from facilitate.session_templates import (
    DEFAULT_VOLETS,
    BlocTemplate,
    SessionTemplate,
    TemplateError,
    load_template,
    load_templates,
    parse_template,
    save_template,
    slugify,
    template_to_toml,
)

BUNDLED = bundled_path("session_templates")

RAVIVER_QUESTIONS = (
    "Comment mieux utiliser nos couleurs sur cette toile en mouvance?",
    "Comment s'adapter, se réactualiser, se réaffirmer?",
    "Comment réduire nos vulnérabilités et fragilités et reprendre du contrôle?",
    "Que faut-il saisir comme nouvelles opportunités?",
    "Comment incarner encore mieux notre vision?",
)

SIX_ENJEUX = (
    "Attraction et rétention des citoyens",
    "Diversité",
    "Revitalisation",
    "Éducation",
    "Bien-être des aînés",
    "Rayonnement de la municipalité",
)

# A minimal valid bloc, to build broken documents around.
BLOC = '[[blocs]]\nid = "bilan"\ntitle = "Bilan"\nkind = "brainstorm"\nprompt = "Nos fiertés"\n'


def bundled(template_id: str) -> SessionTemplate:
    return load_template(BUNDLED / f"{template_id}.toml")


# --- the bundled templates -------------------------------------------------


def test_bundled_folder_loads_without_errors() -> None:
    templates, errors = load_templates(BUNDLED)
    assert errors == []
    assert [t.id for t in templates] == [
        "cooperation-territoire",
        "mutualisation",
        "partenariats-municipaux",
        "raviver-nos-couleurs",
        "rekindle-our-colours",
    ]


def test_raviver_nos_couleurs_matches_seed_001() -> None:
    t = bundled("raviver-nos-couleurs")
    assert t.title == "Raviver nos couleurs !"
    assert t.event == "Activité printanière du RQDS"
    assert t.volets == ("Communications", "Impacts", "Reconnaissance", "Membres")
    assert [b.title for b in t.blocs] == [
        "Bilan croisé des acquis",
        "Les couleurs fondamentales",
        "Fondamentaux du contexte",
        "S'adapter pour être tournés vers l'avenir",
    ]
    assert [b.kind for b in t.blocs] == [
        BlocKind.BRAINSTORM,
        BlocKind.COLUMNS,
        BlocKind.COLUMNS,
        BlocKind.QUESTIONS,
    ]
    bilan, couleurs, contexte, adapter = t.blocs
    assert "fiertés, acquis, réussites, expertises et forces du RQDS" in bilan.prompt
    assert "palette de couleurs" in bilan.prompt
    assert bilan.columns == ()
    assert couleurs.columns == (
        "Acquis, forces, expertises sur lesquelles miser",
        "À protéger, à préserver, et qui nous distingue",
    )
    assert "fondamentaux du contexte desquels il faut tenir compte" in contexte.prompt
    assert contexte.columns == ("Fondamentaux positifs", "Fondamentaux négatifs")
    assert adapter.columns == RAVIVER_QUESTIONS
    assert [b.fondamentaux for b in t.blocs] == [False, True, False, False]
    assert all(b.vote_budget == 5 for b in t.blocs)


def test_partenariats_municipaux_has_the_six_enjeux_of_seed_000() -> None:
    t = bundled("partenariats-municipaux")
    boards = [b for b in t.blocs if b.columns == SIX_ENJEUX]
    assert len(boards) == 1
    assert boards[0].kind is BlocKind.COLUMNS
    assert "impact" in boards[0].prompt.lower()
    arguments = [b for b in t.blocs if "investissement" in b.prompt and "dépense" in b.prompt]
    assert arguments, "a bloc must gather the « investissement plutôt que dépense » arguments"


def test_mutualisation_covers_seeds_002_and_004() -> None:
    t = bundled("mutualisation")
    titles = " ".join(b.title.lower() for b in t.blocs)
    for word in ("pourquoi", "quoi", "avec qui", "comment"):
        assert word in titles
    boards = [b for b in t.blocs if b.kind is BlocKind.COLUMNS]
    assert [b.columns for b in boards] == [("Ce que chaque organisation pourrait offrir", "Ce dont elle a besoin")]
    assert any("tâches" in b.prompt and "expertises" in b.prompt for b in t.blocs)
    assert any("partenaires potentiels" in b.prompt for b in t.blocs)


def test_cooperation_territoire_covers_seed_003() -> None:
    t = bundled("cooperation-territoire")
    text = " ".join(f"{b.title} {b.prompt}".lower() for b in t.blocs)
    for words in ("recensement des acteurs", "se rencontrer", "tirée au sort", "savoir-faire"):
        assert words in text


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.toml")), ids=lambda p: p.stem)
def test_bundled_files_are_commented_for_facilitators(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # In the template's own language.
    assert text.startswith("# Workshop template" if load_template(path).language == "en" else "# Gabarit d'atelier")
    assert "facilitate templates validate" in text
    assert len(load_template(path).volets) >= 2


def test_summary_is_json_for_the_api() -> None:
    summary = bundled("raviver-nos-couleurs").summary()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["id"] == "raviver-nos-couleurs"
    assert summary["event"] == "Activité printanière du RQDS"
    assert summary["volets"] == list(DEFAULT_VOLETS)
    assert summary["blocs"][1] == {
        "id": "couleurs-fondamentales",
        "title": "Les couleurs fondamentales",
        "kind": "columns",
    }


# --- parsing: defaults ------------------------------------------------------


def test_defaults_and_vote_budget_inheritance() -> None:
    text = (
        'title = "  Atelier  "\nvote_budget = 3\n'
        + BLOC
        + '[[blocs]]\nid = "q"\ntitle = "Q"\nkind = "questions"\nquestions = ["Une?"]\nvote_budget = 7\ntimer = 300\n'
    )
    t = parse_template(text, "atelier", "atelier.toml")
    assert t.title == "Atelier"  # surrounding blanks are a typing accident
    assert t.description == "" and t.event == ""
    assert t.volets == DEFAULT_VOLETS
    first, second = t.blocs
    assert (first.vote_budget, first.timer, first.private, first.fondamentaux) == (3, None, False, False)
    assert (second.vote_budget, second.timer, second.prompt) == (7, 300, "")
    assert second.columns == ("Une?",)


def test_default_vote_budget_is_five() -> None:
    t = parse_template('title = "T"\n' + BLOC, "t", "t.toml")
    assert t.blocs[0].vote_budget == 5


def test_byte_order_mark_is_accepted() -> None:
    t = parse_template('\ufefftitle = "T"\n' + BLOC, "t", "t.toml")
    assert t.title == "T"


# --- parsing: errors --------------------------------------------------------

ERRORS = [
    # (name, text, place, words expected in the problem, words expected in the fix)
    (
        "syntax",
        'title = "T"\n\n[[blocs]]\nid = "b"\ntitle = Bilan\n',
        "ligne 5",
        ["valeur", "title = Bilan"],
        ['"..."'],
    ),
    ("typographic quotes", "title = « Raviver »\n" + BLOC, "ligne 1", ["guillemets typographiques"], ["droits"]),
    ("unterminated string", 'title = "T"\ndescription = "jamais fermé', "ligne 2", ["pas fermé"], ['"']),
    ("key twice", 'title = "T"\ntitle = "U"\n' + BLOC, "ligne 2", ["deux fois"], ["une seule"]),
    ("missing title", 'description = "x"\n' + BLOC, "title", ["obligatoire"], ["title = "]),
    ("empty title", 'title = "  "\n' + BLOC, "title", ["vide"], ["title = "]),
    (
        "missing bloc title",
        'title = "T"\n[[blocs]]\nid = "b"\nkind = "brainstorm"\nprompt = "p"\n',
        "blocs[1].title",
        ["obligatoire"],
        ["title = "],
    ),
    (
        "missing bloc id",
        'title = "T"\n[[blocs]]\ntitle = "Bilan croisé"\nkind = "brainstorm"\nprompt = "p"\n',
        "blocs[1].id",
        ["obligatoire"],
        ['id = "bilan-croise"'],
    ),
    (
        "unknown kind",
        'title = "T"\n[[blocs]]\nid = "b"\ntitle = "B"\nkind = "colonnes"\nprompt = "p"\n',
        "blocs[1].kind",
        ["inconnu", "colonnes"],
        ['kind = "columns"', '"brainstorm"', '"questions"'],
    ),
    (
        "duplicate bloc ids",
        'title = "T"\n' + BLOC + BLOC.replace('"Bilan"', '"Encore"'),
        "blocs[2].id",
        ["bilan", "blocs[1]"],
        ["unique"],
    ),
    (
        "columns bloc with one column",
        'title = "T"\n'
        + BLOC
        + '[[blocs]]\nid = "c"\ntitle = "Les couleurs fondamentales"\nkind = "columns"\nprompt = "p"\n'
        + 'columns = ["Acquis"]\n',
        "blocs[2].columns",
        ["au moins deux colonnes"],
        ["deuxième valeur", "columns = [...]"],
    ),
    (
        "columns bloc without columns",
        'title = "T"\n[[blocs]]\nid = "c"\ntitle = "C"\nkind = "columns"\nprompt = "p"\n',
        "blocs[1].columns",
        ["au moins deux colonnes"],
        ["columns = ["],
    ),
    (
        "questions bloc with no question",
        'title = "T"\n[[blocs]]\nid = "q"\ntitle = "Q"\nkind = "questions"\nquestions = []\n',
        "blocs[1].questions",
        ["au moins une question"],
        ["questions = [...]"],
    ),
    (
        "columns in a brainstorm",
        'title = "T"\n' + BLOC + 'columns = ["a", "b"]\n',
        "blocs[1].columns",
        ["columns", "brainstorm"],
        ['kind = "columns"'],
    ),
    (
        "questions in a columns bloc",
        'title = "T"\n[[blocs]]\nid = "c"\ntitle = "C"\nkind = "columns"\nprompt = "p"\n'
        + 'columns = ["a", "b"]\nquestions = ["q?"]\n',
        "blocs[1].questions",
        ["questions"],
        ["retirez"],
    ),
    (
        "brainstorm without prompt",
        'title = "T"\n[[blocs]]\nid = "b"\ntitle = "B"\nkind = "brainstorm"\n',
        "blocs[1].prompt",
        ["obligatoire"],
        ["prompt = "],
    ),
    (
        "duplicate column labels",
        'title = "T"\n[[blocs]]\nid = "c"\ntitle = "C"\nkind = "columns"\nprompt = "p"\ncolumns = ["a", "a"]\n',
        "blocs[1].columns",
        ["deux fois"],
        ["doublon"],
    ),
    (
        "unknown bloc key",
        'title = "T"\n[[blocs]]\nid = "b"\ntitel = "B"\nkind = "brainstorm"\nprompt = "p"\n',
        "blocs[1].titel",
        ["clé inconnue", "titel"],
        ["« title »", "id, title, kind, prompt, columns, questions, timer, vote_budget, private, fondamentaux"],
    ),
    (
        "unknown top key",
        'titre = "T"\n' + BLOC,
        "titre",
        ["clé inconnue", "titre"],
        ["« title »", "title, description, event, language, volets, vote_budget, blocs"],
    ),
    (
        "template key written after [[blocs]]",
        'title = "T"\n' + BLOC + 'volets = ["A", "B"]\n',
        "blocs[1].volets",
        ["clé inconnue"],
        ["avant le premier [[blocs]]"],
    ),
    (
        "bloc key written before [[blocs]]",
        'title = "T"\nkind = "brainstorm"\n' + BLOC,
        "kind",
        ["clé inconnue"],
        ["sous un [[blocs]]"],
    ),
    ("title is a number", "title = 42\n" + BLOC, "title", ["texte", "nombre entier"], ["guillemets"]),
    (
        "timer is text",
        'title = "T"\n' + BLOC + 'timer = "10 min"\n',
        "blocs[1].timer",
        ["nombre entier", "10 min"],
        ["secondes", "timer = 600"],
    ),
    ("timer is zero", 'title = "T"\n' + BLOC + "timer = 0\n", "blocs[1].timer", ["hors limites"], ["secondes"]),
    (
        "private is text",
        'title = "T"\n' + BLOC + 'private = "oui"\n',
        "blocs[1].private",
        ["true ou false"],
        ["private = true"],
    ),
    (
        "volets is text",
        'title = "T"\nvolets = "Communications"\n' + BLOC,
        "volets",
        ["liste"],
        ["crochets"],
    ),
    ("volets empty", 'title = "T"\nvolets = []\n' + BLOC, "volets", ["au moins un volet"], ["volets = [...]"]),
    (
        "volet is a number",
        'title = "T"\nvolets = ["A", 2]\n' + BLOC,
        "volets",
        ["élément 2", "nombre entier"],
        ["guillemets"],
    ),
    ("vote_budget zero", 'title = "T"\nvote_budget = 0\n' + BLOC, "vote_budget", ["entre 1 et 20"], ["de 1 à 20"]),
    (
        "bloc vote_budget too high",
        'title = "T"\n' + BLOC + "vote_budget = 21\n",
        "blocs[1].vote_budget",
        ["21", "entre 1 et 20"],
        ["de 1 à 20"],
    ),
    (
        "vote_budget boolean",
        'title = "T"\nvote_budget = true\n' + BLOC,
        "vote_budget",
        ["booléen"],
        ["vote_budget = 5"],
    ),
    ("vote_budget decimal", 'title = "T"\nvote_budget = 2.5\n' + BLOC, "vote_budget", ["décimal"], ["vote_budget = 5"]),
    ("no blocs", 'title = "T"\n', "blocs", ["aucun bloc"], ["[[blocs]]"]),
    ("blocs as one table", 'title = "T"\n[blocs]\nid = "b"\n', "blocs", ["[[blocs]]"], ["[[blocs]]"]),
    ("blocs as text", 'title = "T"\nblocs = "x"\n', "blocs", ["texte"], ["[[blocs]]"]),
    (
        "bloc id with accents",
        'title = "T"\n[[blocs]]\nid = "Bloc é"\ntitle = "B"\nkind = "brainstorm"\nprompt = "p"\n',
        "blocs[1].id",
        ["minuscules"],
        ['id = "bloc-e"'],
    ),
]


@pytest.mark.parametrize(
    ("text", "place", "problem_words", "fix_words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_each_mistake_names_file_place_and_fix(
    text: str, place: str, problem_words: list[str], fix_words: list[str]
) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "atelier", "atelier.toml")
    error = caught.value
    assert error.file == "atelier.toml"
    assert error.place == place
    for word in problem_words:
        assert word in error.problem
    for word in fix_words:
        assert word in error.fix
    line = str(error)
    assert "\n" not in line
    assert line.startswith(f"atelier.toml, {place}")
    assert f" : {error.problem.rstrip('. ')}. Correctif : {error.fix}" in line


def test_bloc_errors_name_the_bloc_title() -> None:
    text = (
        'title = "T"\n'
        + BLOC
        + (
            '[[blocs]]\nid = "c"\ntitle = "Les couleurs fondamentales"\nkind = "columns"\nprompt = "p"\ncolumns = ["Acquis"]\n'
        )
    )
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "raviver", "raviver.toml")
    assert str(caught.value) == (
        "raviver.toml, blocs[2].columns (« Les couleurs fondamentales ») : "
        "un bloc « columns » doit avoir au moins deux colonnes. "
        "Correctif : ajoutez une deuxième valeur à columns = [...]"
    )


def test_message_stays_on_one_line_with_multiline_values() -> None:
    text = 'title = "T"\n[[blocs]]\nid = "b"\ntitle = """Deux\nlignes"""\nkind = "brainstorm"\nprompt = "p"\ntimer = """10\nmin"""\n'
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "t", "t.toml")
    assert caught.value.place == "blocs[1].timer"
    assert "\n" not in str(caught.value)
    assert "(« Deux lignes »)" in str(caught.value)


def test_unterminated_string_at_end_names_the_last_line() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template('title = "T"\n\n\nprompt = """jamais fermé\n', "t", "t.toml")
    assert caught.value.place.startswith("ligne ")
    assert int(caught.value.place.split()[1]) >= 4


def test_questions_bloc_prompt_is_optional() -> None:
    text = 'title = "T"\n[[blocs]]\nid = "q"\ntitle = "Q"\nkind = "questions"\nquestions = ["Pourquoi?"]\n'
    assert parse_template(text, "t", "t.toml").blocs[0].prompt == ""


def test_template_id_must_be_a_file_name_slug() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template('title = "T"\n' + BLOC, "Mon Atelier", "Mon Atelier.toml")
    assert caught.value.place == "nom du fichier"
    assert "mon-atelier.toml" in caught.value.fix


def test_template_error_survives_pickling() -> None:
    error = TemplateError("a.toml", "blocs[1].kind", "type inconnu", 'écrivez kind = "columns"', "Bilan")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert (copy.file, copy.place, copy.problem, copy.fix) == (error.file, error.place, error.problem, error.fix)


# --- files ------------------------------------------------------------------


def test_load_template_uses_the_stem_as_id(tmp_path: Path) -> None:
    path = tmp_path / "mon-atelier.toml"
    path.write_text('title = "Mon atelier"\n' + BLOC, encoding="utf-8")
    assert load_template(path).id == "mon-atelier"


def test_load_template_rejects_latin1_with_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "T"\n\ndescription = "Été"\n'.encode("latin-1") + BLOC.encode())
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert caught.value.place == "ligne 3"
    assert "UTF-8" in caught.value.problem and "UTF-8" in caught.value.fix
    assert caught.value.file == str(path)


def test_load_template_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        load_template(tmp_path / "absent.toml")
    assert caught.value.place == "fichier"
    assert "absent.toml" in str(caught.value)


def test_load_templates_skips_broken_files(tmp_path: Path) -> None:
    (tmp_path / "zeta.toml").write_text('title = "Zeta"\n' + BLOC, encoding="utf-8")
    (tmp_path / "alpha.toml").write_text('title = "Alpha"\n' + BLOC, encoding="utf-8")
    (tmp_path / "casse.toml").write_text('title = "Cassé"\n[[blocs]]\nid = "b"\n', encoding="utf-8")
    (tmp_path / "._alpha.toml").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    (tmp_path / "notes.txt").write_text("pas un gabarit", encoding="utf-8")
    templates, errors = load_templates(tmp_path)
    assert [t.id for t in templates] == ["alpha", "zeta"]
    assert len(errors) == 1
    assert errors[0].file.endswith("casse.toml")
    assert errors[0].place == "blocs[1].title"


def test_load_templates_on_missing_folder(tmp_path: Path) -> None:
    templates, errors = load_templates(tmp_path / "absent")
    assert templates == []
    assert [e.place for e in errors] == ["dossier"]


# --- saving -----------------------------------------------------------------

ODD = SessionTemplate(
    id="atelier-du-soir",
    title='Un titre "entre guillemets" \\ et barre',
    description="",
    event="Forum 2025",
    volets=("Un", "Deux"),
    blocs=(
        BlocTemplate(
            id="b1",
            title="Écrire",
            kind=BlocKind.BRAINSTORM,
            prompt="Première ligne\nDeuxième ligne « citée »",
            columns=(),
            timer=None,
            vote_budget=3,
            private=True,
            fondamentaux=True,
        ),
        BlocTemplate(
            id="b2",
            title="Questions",
            kind=BlocKind.QUESTIONS,
            prompt="",
            columns=("Quoi?", "Comment?"),
            timer=90,
            vote_budget=20,
            private=False,
            fondamentaux=False,
        ),
        BlocTemplate(
            id="b3",
            title="Tableau",
            kind=BlocKind.COLUMNS,
            prompt="p",
            columns=("A", "B", "C"),
            timer=1,
            vote_budget=1,
            private=False,
            fondamentaux=False,
        ),
    ),
)


@pytest.mark.parametrize("template", [*load_templates(BUNDLED)[0], ODD], ids=lambda t: t.id)
def test_template_to_toml_round_trip(template: SessionTemplate) -> None:
    text = template_to_toml(template)
    assert text.startswith("#")
    assert parse_template(text, template.id, f"{template.id}.toml") == template


def test_template_to_toml_refuses_an_invalid_template() -> None:
    broken = replace(ODD, blocs=(replace(ODD.blocs[2], columns=("Seule",)),))
    with pytest.raises(TemplateError) as caught:
        template_to_toml(broken)
    assert caught.value.place == "blocs[1].columns"


def test_save_template(tmp_path: Path) -> None:
    path = save_template(ODD, tmp_path)
    assert path == tmp_path / "atelier-du-soir.toml"
    assert load_template(path) == ODD
    with pytest.raises(FileExistsError):
        save_template(ODD, tmp_path)
    changed = replace(ODD, title="Nouveau titre")
    save_template(changed, tmp_path, overwrite=True)
    assert load_template(path).title == "Nouveau titre"
    assert [p.name for p in tmp_path.iterdir()] == ["atelier-du-soir.toml"]


def test_slugify() -> None:
    assert slugify("Raviver nos couleurs !") == "raviver-nos-couleurs"
    assert slugify("S'adapter pour être tournés vers l'avenir") == "s-adapter-pour-etre-tournes-vers-l-avenir"
    assert slugify("???") == "gabarit"
