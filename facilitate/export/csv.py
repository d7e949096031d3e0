"""Every note as a spreadsheet row: ``render_csv(ExportWorkshop) -> str``.

One row per note, blocs in order, then the board column (or question), its
clusters' notes before its loose notes, as in the Word document. Columns
(header in French)::

    N° bloc ; Bloc ; Colonne ou question ; Regroupement ; Votes ;
    Votes du regroupement ; Auteur ; Heure ; Texte

"Votes" are the dots on the note itself, "Votes du regroupement" those of its
cluster (empty outside a cluster); "Auteur" is empty for an anonymous note;
"Heure" is the note's ``created_at`` as the server gave it. Texts are kept as
typed (no French-spacing rewrite: this is data).

Spreadsheet formula injection: a text cell starting with = + - @, a tab or a
carriage return (or their full-width forms) gets a leading apostrophe, which
Excel and LibreOffice show as text (OWASP "CSV Injection").

The delimiter defaults to ";", the list separator of French (Canada) Excel and
LibreOffice, so a double-click opens the file in columns; pass
``delimiter=","`` for tools that want commas. Lines end with CRLF (RFC 4180).
The caller writes the returned text as "utf-8-sig" (a BOM, so Excel reads
UTF-8 accents correctly).
"""

from __future__ import annotations

import csv
import io

from facilitate.export.document import (
    ExportCluster,
    ExportNote,
    ExportWorkshop,
    column_groups,
    without_controls,
    wording,
)
from facilitate.i18n import N_

__all__ = ["HEADER", "neutralise", "render_csv"]

# The header's words, in the atelier's language when written.
HEADER = (
    N_("N° bloc"),
    N_("Bloc"),
    N_("Colonne ou question"),
    N_("Regroupement"),
    N_("Votes"),
    N_("Votes du regroupement"),
    N_("Auteur"),
    N_("Heure"),
    N_("Texte"),
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """A text a spreadsheet will not run as a formula ("=1+1" -> "'=1+1"),
    without control characters (as in the Word export; removed first, so
    that none can hide a leading "=")."""
    value = without_controls(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(doc: ExportWorkshop, *, delimiter: str = ";") -> str:
    """The notes of every bloc, one row each, header first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    tr = wording(doc)
    writer.writerow([tr(word) for word in HEADER])
    for bloc in doc.blocs:
        for group in column_groups(bloc, doc.language):
            rows: list[tuple[ExportNote, ExportCluster | None]] = [
                (note, cluster) for cluster in group.clusters for note in cluster.notes
            ]
            rows += [(note, None) for note in group.notes]
            for note, cluster in rows:
                writer.writerow(
                    (
                        bloc.number,
                        neutralise(bloc.title),
                        neutralise(group.label),
                        neutralise(cluster.label) if cluster else "",
                        note.votes,
                        cluster.votes if cluster else "",
                        neutralise(note.author or ""),
                        neutralise(note.created_at),
                        neutralise(note.text),
                    )
                )
    return out.getvalue()
