"""`make screenshots` (docs/screenshots.py) makes the README's pictures from
the real thing: run it into a temporary folder and read the images back."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

EXPECTED = {"telephone": (360, 740), "console": (1440, 900), "projecteur": (1920, 1080), "synthese": (1440, 900)}


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
        assert path.stat().st_size > 15_000, f"{name}.png looks blank"
    width, height = png_size(tmp_path / "word.png")
    assert height > width > 400 and (tmp_path / "word.png").stat().st_size > 30_000  # a portrait page with text
    for name in EXPECTED:
        assert (ROOT / "docs" / "images" / f"{name}.png").exists(), "run `make screenshots` and commit docs/images"
