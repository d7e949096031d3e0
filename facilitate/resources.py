"""Where the bundled folders live: inside the package once installed from a
wheel, at the repository root in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_path(name: str) -> Path:
    """Path of a bundled folder: "templates", "static" or "session_templates"."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name
