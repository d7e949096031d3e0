# The two commands of the README:
#   make serve   install everything, then run the server (http://<this laptop>:5000)
#   make test    install what the tests need, then run every test
# Both work on a fresh machine with python3 (>= 3.10), npm and, for the
# browser and Word tests, Debian's apt-get.

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
SERVE_ARGS ?=

.PHONY: serve test lint i18n screenshots browser-libs system-test-deps

serve: browser-libs $(PY)
	$(PY) -m pip install --quiet .
	$(VENV)/bin/facilitate serve $(SERVE_ARGS)

test: browser-libs $(PY) system-test-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The README's and the guide's pictures, made from `facilitate demo` (docs/screenshots.py).
screenshots: browser-libs $(PY) system-test-deps
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) docs/screenshots.py docs/images

# The guards: ruff (lint and format) on Python, mypy --strict on the pure core
# (pyproject's [tool.mypy]), ESLint and Prettier (package.json) on static/js.
lint: browser-libs $(PY)
	$(PY) -m pip install --quiet -e '.[test,lint]'
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	npx --no-install eslint static/js
	npx --no-install prettier --check static/js

# Interface strings: extract them from Python, templates and JavaScript (babel.cfg)
# and merge them into every catalog; then translate what is new or fuzzy in
# facilitate/translations/<lang>/LC_MESSAGES/messages.po (tests/test_i18n.py
# lists what is missing). Sorted, without line numbers: parallel branches
# that add strings merge without conflicts.
I18N_POT := $(shell mktemp -u /tmp/facilitate-XXXXXX.pot)
i18n: $(PY)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k t -k N_ -k translate:2 -k tr --no-location --sort-output --no-wrap \
		--project facilitate -o $(I18N_POT) . 2>/dev/null
	$(VENV)/bin/pybabel update -i $(I18N_POT) -d facilitate/translations --no-wrap --ignore-obsolete --omit-header
	@rm -f $(I18N_POT)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Browser libraries come from the npm registry (package-lock.json), never from git.
browser-libs: static/vendor/socket.io.min.js static/vendor/preact.module.js
static/vendor/socket.io.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/
# Preact + htm (ES modules, no build step, imported by relative path: an inline
# import map would need a CSP exception); the hooks' one bare import is pointed
# at the copied file. axe-core stays in node_modules: tests only.
static/vendor/preact.module.js: static/vendor/socket.io.min.js
	cp node_modules/preact/dist/preact.module.js static/vendor/preact.module.js
	sed 's#from"preact"#from"./preact.module.js"#' node_modules/preact/hooks/dist/hooks.module.js > static/vendor/preact-hooks.module.js
	cp node_modules/htm/dist/htm.module.js static/vendor/htm.module.js

# Debian's Chromium for the Playwright tests (a test tool's own browser
# download does not work offline), LibreOffice to convert the Word export,
# poppler's pdftotext to read the PDF back; Caddy, nginx and openssl for the
# hosted mode's tests through a real HTTPS proxy (tests/test_hosted_proxy.py);
# WebKitGTK's WebDriver and Xvfb for the participant's path in Safari's engine
# (tests/test_webkit.py); redis-server for the workers sharing one queue
# (tests/test_workers.py).
SYSTEM_TEST_PACKAGES := chromium libreoffice-writer poppler-utils caddy nginx openssl webkit2gtk-driver xvfb redis-server
system-test-deps:
	@command -v chromium >/dev/null && command -v soffice >/dev/null && command -v pdftotext >/dev/null \
	  && command -v caddy >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null \
	  && command -v openssl >/dev/null && command -v WebKitWebDriver >/dev/null && command -v Xvfb >/dev/null \
	  && { command -v redis-server || test -x /usr/bin/redis-server; } >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_TEST_PACKAGES); }
