"""Interface languages. The message ids are the French (Québec) strings, so
French needs no catalog; other languages read facilitate/translations/<lang>/
LC_MESSAGES/messages.po. The .po files are read with Babel when first needed
(a few milliseconds) rather than compiled to .mo at build time: no generated
binary in git, nothing to forget before `pip install .`, and an edited .po
shows at the next start.

Placeholders are {name} in Python, templates and JavaScript alike:
_("Bloc {number}", number=2).

Which language: in a request (pages, API, Socket.IO handlers, which run in the
handshake's request) the `langue` cookie set by the switch on every screen,
else the browser's Accept-Language, else French. Outside a request (the
command line) LANGUAGE / LC_ALL / LC_MESSAGES / LANG. Exports use the
atelier's own language (translate(lang, ...))."""

from __future__ import annotations

import functools
import io
import os
import sys
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "langue"
NAMES = {"fr": "Français", "en": "English"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def catalog(lang: str) -> NullTranslations:
    """The language's translations (fuzzy entries left out, as gettext does)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return NullTranslations()
    with po_path(lang).open("rb") as po:
        messages = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(fp=compiled)


def supported(lang: str | None) -> str | None:
    """ "en-US" -> "en"; None for a language we do not have."""
    if not lang:
        return None
    primary = lang.replace("_", "-").split("-")[0].split(".")[0].lower()
    return primary if primary in LANGUAGES else None


def cli_language() -> str:
    """The command line's language, from the usual locale variables."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return supported(value.split(":")[0]) or DEFAULT
    return DEFAULT


def request_language() -> str:
    from flask import request

    chosen = supported(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def current_language() -> str:
    # The commands never import Flask (tests/test_cli_workshops.py): without it, no request.
    flask = sys.modules.get("flask")
    if flask is None or not flask.has_request_context():
        return cli_language()
    from flask_babel import get_locale

    locale = get_locale()  # Flask-Babel asks request_language once per request
    return locale.language if locale else DEFAULT


def translate(lang: str, msgid: str, **params: Any) -> str:
    text = catalog(lang).gettext(msgid)
    return text.format(**params) if params else text


def N_(msgid: str) -> str:
    """Marks a message id for `make i18n` that is translated later (a constant)."""
    return msgid


def _(msgid: str, **params: Any) -> str:
    """The message in the current language (see the module's docstring)."""
    return translate(current_language(), msgid, **params)


def js_msgids(js_dir: Path) -> set[str]:
    """The message ids of the JavaScript (as `make i18n` finds them)."""
    found: set[str] = set()
    for path in js_dir.rglob("*.js"):
        with path.open("rb") as source:
            found.update(message for _line, _function, message, _comments in extract_js(source, (), (), {}))
    return found


def js_catalog(lang: str, js_dir: Path) -> dict[str, str]:
    """What static/js/i18n.js needs: the JavaScript's messages, translated."""
    translations = catalog(lang)
    if lang == DEFAULT:
        return {}
    return {msgid: text for msgid in sorted(js_msgids(js_dir)) if (text := translations.gettext(msgid)) != msgid}


def setup(app: Any) -> None:
    """Flask-Babel picks the language; templates get _() with {name} placeholders,
    the page's language, the switch's other language, and the JavaScript's catalog."""
    from flask_babel import Babel

    from facilitate.resources import bundled_path

    Babel(app, locale_selector=request_language, configure_jinja=False)
    js = {lang: js_catalog(lang, bundled_path("static") / "js") for lang in LANGUAGES}

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang,
            "html_lang": "fr-CA" if lang == "fr" else lang,
            "languages": list(NAMES.items()),
            "other_languages": [(code, NAMES[code]) for code in LANGUAGES if code != lang],
            "js_catalog": js[lang],
        }

    app.jinja_env.globals["_"] = template_gettext


def template_gettext(msgid: str, **params: Any) -> Any:
    """_() in templates: the parameters escaped as usual; the catalog's own text
    (trusted) keeps its apostrophes readable in the page's source."""
    from markupsafe import Markup, escape

    text = catalog(current_language()).gettext(msgid)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return Markup(text.format(**{name: escape(value) for name, value in params.items()}))


_JS_STRING = r'"((?:[^"\\\n]|\\.)*)"'
_JS_CALL = __import__("re").compile(r"\b(t|N_)\(\s*" + _JS_STRING)


def extract_js(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    """pybabel's extractor for static/js (see babel.cfg): the first argument of
    t("...") and of N_("...") (a string translated later, t(label)). A regular
    expression, because Babel's JavaScript lexer loses strings inside htm's
    template literals."""
    import json

    text = fileobj.read().decode("utf-8")
    for match in _JS_CALL.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start : match.start()].lstrip().startswith("//"):
            continue  # an example in a comment
        line = text.count("\n", 0, match.start()) + 1
        yield line, match.group(1), json.loads(f'"{match.group(2)}"'), []
