"""Session templates: one hand-edited TOML file per atelier plan.

A template is copied into a new atelier's blocs at creation. The files are
written by facilitators, not programmers, so every validation error is one
French line naming the file, the place, the problem and a fix.

Pure: no Flask, no database. The template id is the file's stem.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

import tomli_w

from facilitate.countdown import MAX_TIMER_SECONDS
from facilitate.i18n import N_, _
from facilitate.model import Bloc, BlocKind

DEFAULT_VOLETS: tuple[str, ...] = ("Communications", "Impacts", "Reconnaissance", "Membres")
DEFAULT_VOTE_BUDGET = 5
VOTE_BUDGET_MIN = 1
VOTE_BUDGET_MAX = 20

TOP_KEYS: tuple[str, ...] = ("title", "description", "event", "language", "volets", "vote_budget", "blocs")
TEMPLATE_LANGUAGES: tuple[str, ...] = ("fr", "en")  # facilitate.i18n.LANGUAGES
BLOC_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "prompt",
    "columns",
    "questions",
    "timer",
    "vote_budget",
    "private",
    "fondamentaux",
)
KINDS: tuple[str, ...] = tuple(kind.value for kind in BlocKind)

_BLOC_ID = re.compile(r"[a-z0-9-]+")
# Template ids come from file names, where underscores are common.
_TEMPLATE_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
# French words a facilitator may type for a kind; only used to suggest a fix.
_KIND_HINTS = {
    "colonnes": "columns",
    "colonne": "columns",
    "tableau": "columns",
    "question": "questions",
    "remue-meninges": "brainstorm",
    "remue-méninges": "brainstorm",
    "tempete": "brainstorm",
    "tempête": "brainstorm",
}


@dataclass(frozen=True)
class BlocTemplate:
    """One step of the atelier plan, as written in the template."""

    id: str
    title: str
    kind: BlocKind
    prompt: str
    columns: tuple[str, ...]  # the board columns, or the questions for a questions bloc
    timer: int | None
    vote_budget: int
    private: bool
    fondamentaux: bool


@dataclass(frozen=True)
class SessionTemplate:
    """A whole atelier plan; its id is the file stem."""

    id: str
    title: str
    description: str
    event: str
    volets: tuple[str, ...]
    blocs: tuple[BlocTemplate, ...]
    language: str = "fr"  # the language its texts are written in; a template stays in it

    def summary(self) -> dict[str, Any]:
        """JSON-able overview for GET /api/templates."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "event": self.event,
            "language": self.language,
            "volets": list(self.volets),
            "blocs": [{"id": b.id, "title": b.title, "kind": b.kind.value} for b in self.blocs],
        }


class TemplateError(Exception):
    """A template that cannot be used, explained for the person editing it.

    `place` is "ligne 7" for syntax errors, otherwise a key path such as
    "blocs[2].columns" (blocs are numbered from 1, as a facilitator counts).
    `label` is the bloc's title when known, shown as « ... » after the place.
    """

    def __init__(self, file: str, place: str, problem: str, fix: str, label: str = "") -> None:
        # All fields in args so the exception survives pickling (multiprocessing, logging).
        super().__init__(file, place, problem, fix, label)
        self.file = file
        self.place = place
        self.problem = problem
        self.fix = fix
        self.label = label

    def __str__(self) -> str:
        where = f"{self.place} (« {self.label} »)" if self.label else self.place
        problem = self.problem.rstrip(". ")
        line = _(
            "{file}, {where} : {problem}. Correctif : {fix}", file=self.file, where=where, problem=problem, fix=self.fix
        )
        # One line, always: a multi-line title or value must not break log lines.
        return line.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


# --- small helpers ---------------------------------------------------------


# Slugs name files: short enough for any file system, whatever the title's length.
MAX_SLUG_LENGTH = 60


def slugify(text: str, fallback: str = "gabarit") -> str:
    """A file-name-safe id from a title: "Raviver nos couleurs !" -> "raviver-nos-couleurs"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower())[:MAX_SLUG_LENGTH].strip("-")
    return slug or fallback


def unique_slugs(titles: list[str], fallback: str = "bloc") -> list[str]:
    """One distinct slug per title, in order: "Étape 2", "Étape", "Étape" ->
    etape-2, etape, etape-3 (a number is added until the slug is free)."""
    taken: set[str] = set()
    slugs = []
    for title in titles:
        base = slugify(title, fallback=fallback)
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


# TOML's types as a template's author would say them (bool before int: a bool is an int).
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, N_("un booléen (true/false)")),
    (int, N_("un nombre entier")),
    (float, N_("un nombre décimal")),
    (str, N_("un texte")),
    (list, N_("une liste")),
    (dict, N_("une table")),
)


def _type_name(value: object) -> str:
    return _(next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), N_("une date")))  # the only other


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


def _suggest(word: str, known: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    return close[0] if close else None


class _Checker:
    """Reads one parsed document, raising the first TemplateError found."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, place: str, problem: str, fix: str, label: str = "") -> NoReturn:
        raise TemplateError(self.file, place, problem, fix, label)

    def unknown_keys(
        self, table: dict[str, Any], known: tuple[str, ...], prefix: str, label: str, other: tuple[str, ...]
    ) -> None:
        for key in table:
            if key in known:
                continue
            place = f"{prefix}.{key}" if prefix else key
            known_list = ", ".join(known)
            if key in other and prefix:
                # TOML puts every key written after a [[blocs]] header into that bloc.
                fix = _(
                    "« {key} » se place en haut du fichier, avant le premier [[blocs]] : "
                    "déplacez la ligne {key} = ... plus haut",
                    key=key,
                )
            elif key in other:
                fix = _("« {key} » est une clé de bloc : placez la ligne sous un [[blocs]]", key=key)
            else:
                guess = _suggest(key, known)
                fix = (
                    _(
                        "remplacez « {key} » par « {guess} » (clés reconnues : {known_list})",
                        key=key,
                        guess=guess,
                        known_list=known_list,
                    )
                    if guess
                    else _("corrigez ou retirez cette ligne (clés reconnues : {known_list})", known_list=known_list)
                )
            self.fail(place, _("clé inconnue « {key} »", key=key), fix, label)

    def text(self, table: dict[str, Any], key: str, prefix: str, label: str, *, required: bool, example: str) -> str:
        place = f"{prefix}.{key}" if prefix else key
        if key not in table:
            if required:
                self.fail(
                    place,
                    _("la clé « {key} » est obligatoire", key=key),
                    _('ajoutez la ligne {key} = "{example}"', key=key, example=example),
                    label,
                )
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.fail(
                place,
                _(
                    "{key} doit être un texte, pas {type} ({shown})",
                    key=key,
                    type=_type_name(value),
                    shown=_show(value),
                ),
                _('mettez la valeur entre guillemets droits : {key} = "{example}"', key=key, example=example),
                label,
            )
        value = value.strip()
        if required and not value:
            self.fail(
                place,
                _("{key} est vide", key=key),
                _('écrivez un texte : {key} = "{example}"', key=key, example=example),
                label,
            )
        return value

    def text_list(
        self,
        table: dict[str, Any],
        key: str,
        prefix: str,
        label: str,
        *,
        minimum: int,
        too_few: str,
        example: str,
    ) -> tuple[str, ...]:
        place = f"{prefix}.{key}" if prefix else key
        value = table[key]
        if not isinstance(value, list):
            self.fail(
                place,
                _(
                    "{key} doit être une liste de textes, pas {type} ({shown})",
                    key=key,
                    type=_type_name(value),
                    shown=_show(value),
                ),
                _("écrivez-la entre crochets : {key} = {example}", key=key, example=example),
                label,
            )
        items: list[str] = []
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str):
                self.fail(
                    place,
                    _(
                        "l'élément {number} de {key} doit être un texte, pas {type} ({shown})",
                        number=number,
                        key=key,
                        type=_type_name(item),
                        shown=_show(item),
                    ),
                    _("mettez chaque élément entre guillemets droits : {key} = {example}", key=key, example=example),
                    label,
                )
            item = item.strip()
            if not item:
                self.fail(
                    place,
                    _("l'élément {number} de {key} est vide", number=number, key=key),
                    _("retirez-le ou écrivez un texte"),
                    label,
                )
            if item in items:
                self.fail(
                    place,
                    _("« {item} » apparaît deux fois dans {key}", item=item, key=key),
                    _("retirez le doublon ou distinguez les deux libellés"),
                    label,
                )
            items.append(item)
        if len(items) < minimum:
            nth = _("une première") if not items else _("une deuxième")
            self.fail(place, too_few, _("ajoutez {nth} valeur à {key} = [...]", nth=nth, key=key), label)
        return tuple(items)

    def integer(
        self,
        table: dict[str, Any],
        key: str,
        prefix: str,
        label: str,
        *,
        low: int,
        high: int | None,
        fix: str,
    ) -> int | None:
        place = f"{prefix}.{key}" if prefix else key
        if key not in table:
            return None
        value = table[key]
        # bool is an int in Python; `timer = true` is a mistake, not 1 second.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                place,
                _(
                    "{key} doit être un nombre entier, pas {type} ({shown})",
                    key=key,
                    type=_type_name(value),
                    shown=_show(value),
                ),
                fix,
                label,
            )
        if value < low or (high is not None and value > high):
            bounds = (
                _("entre {low} et {high}", low=low, high=high) if high is not None else _("au moins {low}", low=low)
            )
            self.fail(
                place,
                _("{key} = {value} est hors limites : il doit être {bounds}", key=key, value=value, bounds=bounds),
                fix,
                label,
            )
        return value

    def boolean(self, table: dict[str, Any], key: str, prefix: str, label: str) -> bool:
        place = f"{prefix}.{key}" if prefix else key
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail(
                place,
                _(
                    "{key} doit valoir true ou false, pas {type} ({shown})",
                    key=key,
                    type=_type_name(value),
                    shown=_show(value),
                ),
                _("écrivez {key} = true ou {key} = false (en minuscules, sans guillemets)", key=key),
                label,
            )
        return value


# --- parsing ---------------------------------------------------------------

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

_TOML_HINTS: tuple[tuple[str, str, str], ...] = (
    # (start of tomllib's message, problème, correctif)
    (
        "Invalid value",
        N_("valeur illisible"),
        N_('mettez le texte entre guillemets droits "...", les nombres sans guillemets, true/false en minuscules'),
    ),
    (
        "Cannot overwrite a value",
        N_("une clé est définie deux fois"),
        N_("gardez une seule ligne pour cette clé dans la même section"),
    ),
    ("Cannot declare", N_("une section est déclarée deux fois"), N_("fusionnez les deux sections")),
    ("Unterminated string", N_("un texte n'est pas fermé"), N_('fermez le texte avec un guillemet droit "')),
    (
        "Illegal character",
        N_("caractère interdit dans un texte (souvent un texte non fermé)"),
        N_(
            'fermez le texte avec un guillemet droit " sur la même ligne, ou utilisez """ ... """ pour plusieurs lignes'
        ),
    ),
    (
        "Unclosed array",
        N_("une liste n'est pas fermée"),
        N_("fermez la liste avec ] et séparez les éléments par des virgules"),
    ),
    (
        "Expected '=' after a key",
        N_("il manque le signe = après la clé"),
        N_('écrivez clé = valeur, par exemple title = "Mon atelier"'),
    ),
    (
        "Invalid statement",
        N_("ligne incomprise"),
        N_("chaque ligne doit être clé = valeur, un en-tête [[blocs]] ou un commentaire commençant par #"),
    ),
)


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, file: str) -> TemplateError:
    message = str(error)
    # Python 3.14 and recent tomli expose lineno; older versions only put it in the message.
    line = getattr(error, "lineno", None)
    if line is None:
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
    lines = text.splitlines()
    content = lines[line - 1] if 0 < line <= len(lines) else ""
    original = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
    problem, fix = _("syntaxe TOML invalide"), _("vérifiez les guillemets, les crochets et les virgules de cette ligne")
    for start, hint_problem, hint_fix in _TOML_HINTS:
        if original.startswith(start):
            problem, fix = _(hint_problem), _(hint_fix)
            break
    if any(mark in content for mark in "«»“”„"):
        # Word processors turn " into typographic quotes, which TOML does not accept.
        problem = _("guillemets typographiques (« » ou “ ”) autour d'une valeur")
        fix = _('remplacez-les par des guillemets droits "..."; les « » restent permis à l\'intérieur du texte')
    shown = content.strip()
    if shown:
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        problem = _("{problem} dans « {shown} »", problem=problem, shown=shown)
    return TemplateError(file, _("ligne {line}", line=line), f"{problem} ({original})", fix)


def parse_template(text: str, template_id: str, source: str) -> SessionTemplate:
    """Parse and validate one template; `source` names the file in error messages."""
    check = _Checker(source)
    if not _TEMPLATE_ID.fullmatch(template_id):
        check.fail(
            _("nom du fichier"),
            _("l'identifiant « {template_id} » doit être en minuscules, chiffres et tirets", template_id=template_id),
            _("renommez le fichier en {slug}.toml", slug=slugify(template_id)),
        )
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text.removeprefix("\ufeff"), source) from None
    except RecursionError:  # tomllib recurses once per nested table or array
        check.fail(
            "structure",
            _("tableaux ou listes imbriqués trop profondément"),
            _("un gabarit n'a que [[blocs]] et des listes simples"),
        )

    check.unknown_keys(data, TOP_KEYS, "", "", BLOC_KEYS)
    title = check.text(data, "title", "", "", required=True, example=_("Titre de l'atelier"))
    description = check.text(data, "description", "", "", required=False, example=_("Une phrase sur l'atelier"))
    event = check.text(data, "event", "", "", required=False, example=_("Nom de l'événement"))
    language = check.text(data, "language", "", "", required=False, example="fr") or "fr"
    if language not in TEMPLATE_LANGUAGES:
        check.fail(
            "language",
            _("langue « {language} » inconnue", language=language),
            _('écrivez language = "fr" ou language = "en"'),
        )
    volets = DEFAULT_VOLETS
    if "volets" in data:
        volets = check.text_list(
            data,
            "volets",
            "",
            "",
            minimum=1,
            too_few=_("il faut au moins un volet"),
            example='["Communications", "Impacts"]',
        )
    budget_fix = _(
        "écrivez un nombre de {VOTE_BUDGET_MIN} à {VOTE_BUDGET_MAX}, par exemple vote_budget = 5",
        VOTE_BUDGET_MIN=VOTE_BUDGET_MIN,
        VOTE_BUDGET_MAX=VOTE_BUDGET_MAX,
    )
    default_budget = check.integer(
        data, "vote_budget", "", "", low=VOTE_BUDGET_MIN, high=VOTE_BUDGET_MAX, fix=budget_fix
    )
    if default_budget is None:
        default_budget = DEFAULT_VOTE_BUDGET

    raw_blocs = data.get("blocs")
    first_bloc_fix = _(
        'ajoutez un bloc : [[blocs]] puis id = "...", title = "...", kind = "brainstorm", prompt = "..."'
    )
    if raw_blocs is None:
        check.fail("blocs", _("le gabarit n'a aucun bloc"), first_bloc_fix)
    if isinstance(raw_blocs, dict):
        # `[blocs]` (one bracket) declares a single table, not a list of blocs.
        check.fail(
            "blocs",
            _("les blocs doivent être déclarés avec [[blocs]] (deux crochets)"),
            _("remplacez [blocs] par [[blocs]]"),
        )
    if not isinstance(raw_blocs, list) or not all(isinstance(b, dict) for b in raw_blocs):
        check.fail(
            "blocs",
            _("blocs doit être une suite de sections [[blocs]], pas {type}", type=_type_name(raw_blocs)),
            first_bloc_fix,
        )
    if not raw_blocs:
        check.fail("blocs", _("le gabarit n'a aucun bloc"), first_bloc_fix)

    blocs: list[BlocTemplate] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_blocs, start=1):
        bloc = _parse_bloc(check, raw, number, default_budget)
        if bloc.id in seen:
            check.fail(
                f"blocs[{number}].id",
                _(
                    "l'identifiant « {bloc_id} » est déjà utilisé par blocs[{other}]",
                    bloc_id=bloc.id,
                    other=seen[bloc.id],
                ),
                _(
                    'donnez à ce bloc un id unique, par exemple id = "{bloc_id}-{number}"',
                    bloc_id=bloc.id,
                    number=number,
                ),
                bloc.title,
            )
        seen[bloc.id] = number
        blocs.append(bloc)

    return SessionTemplate(
        id=template_id,
        title=title,
        description=description,
        event=event,
        volets=volets,
        blocs=tuple(blocs),
        language=language,
    )


def _parse_bloc(check: _Checker, raw: dict[str, Any], number: int, default_budget: int) -> BlocTemplate:
    prefix = f"blocs[{number}]"
    raw_title = raw.get("title")
    raw_id = raw.get("id")
    # Name the bloc in messages by whatever identifies it best so far.
    label = (
        raw_title.strip()
        if isinstance(raw_title, str) and raw_title.strip()
        else (raw_id if isinstance(raw_id, str) else "")
    )
    check.unknown_keys(raw, BLOC_KEYS, prefix, label, TOP_KEYS)

    title = check.text(raw, "title", prefix, label, required=True, example=_("Titre du bloc"))
    bloc_id = check.text(raw, "id", prefix, label, required=True, example=slugify(title, f"bloc-{number}"))
    if not _BLOC_ID.fullmatch(bloc_id):
        check.fail(
            f"{prefix}.id",
            _(
                "l'identifiant « {bloc_id} » doit être en minuscules, chiffres et tirets (sans accents ni espaces)",
                bloc_id=bloc_id,
            ),
            _('écrivez par exemple id = "{slug}"', slug=slugify(bloc_id, f"bloc-{number}")),
            label,
        )

    kinds = ", ".join(f'"{k}"' for k in KINDS)
    kind_name = check.text(raw, "kind", prefix, label, required=True, example="brainstorm")
    try:
        kind = BlocKind(kind_name)
    except ValueError:
        guess = _KIND_HINTS.get(kind_name.lower()) or _suggest(kind_name, KINDS)
        check.fail(
            f"{prefix}.kind",
            _("type de bloc inconnu « {kind_name} »", kind_name=kind_name),
            _('écrivez kind = "{guess}" (types reconnus : {kinds})', guess=guess, kinds=kinds)
            if guess
            else _("choisissez parmi les types reconnus : {kinds}", kinds=kinds),
            label,
        )

    prompt = check.text(
        raw,
        "prompt",
        prefix,
        label,
        required=kind is not BlocKind.QUESTIONS,
        example=_("La consigne affichée aux participants"),
    )

    # The one list a bloc may have depends on its kind; the other is a mistake.
    wanted = {BlocKind.COLUMNS: "columns", BlocKind.QUESTIONS: "questions"}.get(kind)
    for key in ("columns", "questions"):
        if key in raw and key != wanted:
            right_kind = "columns" if key == "columns" else "questions"
            check.fail(
                f"{prefix}.{key}",
                _(
                    "{key} n'est permis que dans un bloc « {right_kind} », pas dans un bloc « {kind_value} »",
                    key=key,
                    right_kind=right_kind,
                    kind_value=kind.value,
                ),
                _('retirez la ligne {key} = [...] ou mettez kind = "{right_kind}"', key=key, right_kind=right_kind),
                label,
            )
    columns: tuple[str, ...] = ()
    if kind is BlocKind.COLUMNS:
        if "columns" not in raw:
            check.fail(
                f"{prefix}.columns",
                _("un bloc « columns » doit avoir au moins deux colonnes"),
                _('ajoutez columns = ["Première colonne", "Deuxième colonne"]'),
                label,
            )
        columns = check.text_list(
            raw,
            "columns",
            prefix,
            label,
            minimum=2,
            too_few=_("un bloc « columns » doit avoir au moins deux colonnes"),
            example='["Première colonne", "Deuxième colonne"]',
        )
    elif kind is BlocKind.QUESTIONS:
        if "questions" not in raw:
            check.fail(
                f"{prefix}.questions",
                _("un bloc « questions » doit avoir au moins une question"),
                _('ajoutez questions = ["Première question?", "Deuxième question?"]'),
                label,
            )
        columns = check.text_list(
            raw,
            "questions",
            prefix,
            label,
            minimum=1,
            too_few=_("un bloc « questions » doit avoir au moins une question"),
            example='["Première question?", "Deuxième question?"]',
        )

    timer = check.integer(
        raw,
        "timer",
        prefix,
        label,
        low=1,
        high=MAX_TIMER_SECONDS,
        fix=_("écrivez une durée en secondes (4 heures au plus), par exemple timer = 600 pour 10 minutes"),
    )
    budget = check.integer(
        raw,
        "vote_budget",
        prefix,
        label,
        low=VOTE_BUDGET_MIN,
        high=VOTE_BUDGET_MAX,
        fix=_(
            "écrivez un nombre de {VOTE_BUDGET_MIN} à {VOTE_BUDGET_MAX}, par exemple vote_budget = 5",
            VOTE_BUDGET_MIN=VOTE_BUDGET_MIN,
            VOTE_BUDGET_MAX=VOTE_BUDGET_MAX,
        ),
    )
    return BlocTemplate(
        id=bloc_id,
        title=title,
        kind=kind,
        prompt=prompt,
        columns=columns,
        timer=timer,
        vote_budget=default_budget if budget is None else budget,
        private=check.boolean(raw, "private", prefix, label),
        fondamentaux=check.boolean(raw, "fondamentaux", prefix, label),
    )


# --- files -----------------------------------------------------------------


def load_template(path: Path) -> SessionTemplate:
    """Read and parse one template file; any failure is a TemplateError."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise TemplateError(
            source,
            "fichier",
            _("lecture impossible ({reason})", reason=reason),
            _("vérifiez le chemin du fichier et ses droits de lecture"),
        ) from None
    try:
        # utf-8-sig: Windows Notepad may prepend a byte order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TemplateError(
            source,
            _("ligne {line}", line=line),
            _("le fichier n'est pas encodé en UTF-8 (accents illisibles)"),
            _("enregistrez-le en UTF-8 dans votre éditeur (Enregistrer sous… > Encodage : UTF-8)"),
        ) from None
    return parse_template(text, path.stem, source)


def load_templates(directory: Path) -> tuple[list[SessionTemplate], list[TemplateError]]:
    """Every *.toml of a folder, sorted by id; broken files are reported, not fatal."""
    directory = Path(directory)
    if not directory.is_dir():
        return [], [
            TemplateError(
                str(directory),
                "dossier",
                _("dossier de gabarits introuvable"),
                _("vérifiez le chemin (--dir ou FACILITATE_TEMPLATES)"),
            )
        ]
    templates: list[SessionTemplate] = []
    errors: list[TemplateError] = []
    # Dot files are editor locks and macOS "._" resource forks, never templates.
    paths = sorted(
        (p for p in directory.glob("*.toml") if not p.name.startswith(".") and p.is_file()),
        key=lambda p: p.stem,
    )
    for path in paths:
        try:
            templates.append(load_template(path))
        except TemplateError as error:
            errors.append(error)
    return templates, errors


_SAVED_HEADER = """\
# Gabarit d'atelier pour facilitate, modifiable à la main (encodage UTF-8).
# Chaque [[blocs]] est une étape de l'atelier, dans l'ordre;
# kind = "brainstorm", "columns" (avec columns = [...]) ou "questions" (avec questions = [...]).
# Le texte va entre guillemets droits "...", oui/non s'écrit true/false.
# Vérifiez vos modifications avec : facilitate templates validate <ce fichier>

"""


def plan_to_template(
    title: str, description: str, event: str, volets: list[str], blocs: list[Bloc], language: str = "fr"
) -> SessionTemplate:
    """An atelier's current plan as a template ("Enregistrer comme modèle"):
    bloc ids are slugs of the titles that cannot collide."""
    return SessionTemplate(
        id=slugify(title),
        title=title,
        description=description,
        event=event,
        volets=tuple(volets),
        blocs=tuple(
            BlocTemplate(
                id=bloc_id,
                title=b.title,
                kind=b.kind,
                prompt=b.prompt,
                columns=tuple(c.label for c in b.columns),
                timer=b.timer_seconds,
                vote_budget=b.vote_budget,
                private=b.private_writing,
                fondamentaux=b.fondamentaux,
            )
            for bloc_id, b in zip(unique_slugs([b.title for b in blocs]), blocs)
        ),
        language=language,  # the atelier's: its texts were written in it
    )


def template_to_toml(template: SessionTemplate) -> str:
    """TOML text of a template, for "save this atelier as a new template".

    The text is parsed back before being returned, so an invalid template
    (an empty prompt, a columns bloc with one column...) raises TemplateError
    here instead of producing a file that would not load.
    """
    document: dict[str, Any] = {"title": template.title}
    if template.description:
        document["description"] = template.description
    if template.event:
        document["event"] = template.event
    if template.language != "fr":
        document["language"] = template.language
    document["volets"] = list(template.volets)
    blocs: list[dict[str, Any]] = []
    for bloc in template.blocs:
        entry: dict[str, Any] = {"id": bloc.id, "title": bloc.title, "kind": bloc.kind.value}
        if bloc.prompt or bloc.kind is not BlocKind.QUESTIONS:
            entry["prompt"] = bloc.prompt
        if bloc.kind is BlocKind.COLUMNS:
            entry["columns"] = list(bloc.columns)
        elif bloc.kind is BlocKind.QUESTIONS:
            entry["questions"] = list(bloc.columns)
        if bloc.timer is not None:
            entry["timer"] = bloc.timer
        entry["vote_budget"] = bloc.vote_budget
        entry["private"] = bloc.private
        entry["fondamentaux"] = bloc.fondamentaux
        blocs.append(entry)
    document["blocs"] = blocs
    text = _SAVED_HEADER + tomli_w.dumps(document, multiline_strings=True)
    parse_template(text, template.id, f"{template.id}.toml")
    return text


def save_template(template: SessionTemplate, directory: Path, *, overwrite: bool = False) -> Path:
    """Write `<directory>/<id>.toml` atomically; refuses to replace a file unless asked."""
    text = template_to_toml(template)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{template.id}.toml"
    if target.exists() and not overwrite:
        raise FileExistsError(f"le gabarit {target} existe déjà")
    # Write then rename, so a crash never leaves a half-written template behind.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".toml.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
