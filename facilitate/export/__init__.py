"""Exports of an atelier: the Word synthesis, Markdown and CSV.

Pure renderers over the plain model of :mod:`facilitate.export.document`:
the server builds an :class:`ExportWorkshop` from its database, then calls

    render_docx(doc) -> bytes   (facilitate.export.docx, needs python-docx)
    render_markdown(doc) -> str (facilitate.export.markdown)
    render_csv(doc) -> str      (facilitate.export.csv; write it as "utf-8-sig")

Import the renderers from their modules: importing this package does not
load python-docx.
"""

from facilitate.export.document import (
    ExportAction,
    ExportBloc,
    ExportCluster,
    ExportNote,
    ExportVolet,
    ExportWorkshop,
    french_typography,
)

__all__ = [
    "ExportAction",
    "ExportBloc",
    "ExportCluster",
    "ExportNote",
    "ExportVolet",
    "ExportWorkshop",
    "french_typography",
]
