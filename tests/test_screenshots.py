"""`make screenshots` (docs/screenshots.py) makes the README's pictures from
the real thing: run it into a temporary folder and read the images back."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

EXPECTED = {
    "accueil": (1440, 900),
    "console": (1440, 900),
    "console-resultats": (1440, 900),
    "console-synthese": (1440, 900),
    "console-tirage": (1440, 900),
    "projecteur": (1920, 1080),
    "projecteur-resultats": (1920, 1080),
    "telephone": (360, 740),
    "telephone-vote": (360, 740),
    "telephone-resultats": (360, 740),
}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_script_photographs_every_screen_and_a_word_page(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshots.py"), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for name, size in EXPECTED.items():
        path = tmp_path / f"{name}.png"
        assert png_size(path) == size
        assert path.stat().st_size > 12_000, f"{name}.png looks blank"
    width, height = png_size(tmp_path / "word.png")
    assert height > width > 400 and (tmp_path / "word.png").stat().st_size > 30_000  # a portrait page with text
    for name in EXPECTED:
        assert (ROOT / "docs" / "images" / f"{name}.png").exists(), "run `make screenshots` and commit docs/images"


def test_every_picture_the_readme_and_the_guide_show_exists():
    import re

    for doc in (ROOT / "README.md", ROOT / "docs" / "guide-animation.md"):
        pictures = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", doc.read_text(encoding="utf-8"))
        assert pictures, f"{doc.name} shows no picture"
        for picture in pictures:
            assert (doc.parent / picture).exists(), f"{doc.name}: {picture} is missing (make screenshots)"
