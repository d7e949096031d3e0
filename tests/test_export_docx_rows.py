"""Word export tables across pages: a row is never cut in two (an action
stays beside its Soutien) and the header row comes back on every page.
Checked in the XML and in the PDF that LibreOffice lays out."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx

from facilitate.export.document import ExportAction, ExportVolet, ExportWorkshop
from facilitate.export.docx import render_docx

# Long actions (several lines each) so that some row meets a page break.
ACTIONS = tuple(
    ExportAction(
        f"Action{n:02d}debut " + "mobiliser les membres autour des priorités régionales " * 6 + f"Action{n:02d}fin",
        f"Soutien{n:02d}",
    )
    for n in range(1, 41)
)
LONG = ExportWorkshop(title="Essai", volets=(ExportVolet("Communications", ACTIONS),))


def test_every_row_is_kept_whole_and_the_header_repeats():
    document = docx.Document(io.BytesIO(render_docx(LONG)))
    (table,) = document.tables
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)


def test_in_the_pdf_no_action_straddles_two_pages(tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-writer"
    source = tmp_path / "long.docx"
    source.write_bytes(render_docx(LONG))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)}, check=True,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "long.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    for page in pages:
        starts = set(re.findall(r"Action(\d\d)debut", page))
        ends = set(re.findall(r"Action(\d\d)fin", page))
        assert starts == ends, f"a row is split across pages: {starts ^ ends}"
        assert re.search(r"^\s*Actions\s+Soutien", page, re.M), "the header row is not repeated on this page"
