"""The whole atelier out of the database and back: the synthesis document the
renderers turn into Word, Markdown and CSV, and a JSON archive that
`facilitate import` (or the demo) loads back as a new atelier.

In the archive, rows refer to each other by "ref": their 1-based place in
their list, so exporting an imported atelier gives the same document."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, workshop_not_found
from facilitate.export.document import (
    ExportAction,
    ExportBloc,
    ExportCluster,
    ExportNote,
    ExportVolet,
    ExportWorkshop,
)
from facilitate.i18n import _
from facilitate.model import Action, Bloc, BlocKind, Cluster, Column, IdentityMode, Note, Phase, Role, Workshop
from facilitate.payloads import read_archive
from facilitate.projection import bloc_settings, workshop_details
from facilitate.rules import is_closed
from facilitate.services.workshops import WorkshopCases
from facilitate.voting import items_of, ranking, retained

ARCHIVE_FORMAT = "facilitate-atelier"
ARCHIVE_VERSION = 1


def _refuse(problem: str) -> FacilitateError:
    return FacilitateError("bad_archive", _("Archive invalide : {problem}", problem=problem))


def _refs(rows: list[dict[str, Any]], what: str) -> dict[int, dict[str, Any]]:
    by_ref = {row["ref"]: row for row in rows}
    if len(by_ref) != len(rows):
        raise _refuse(_("deux {what} ont le même « ref ».", what=what))
    return by_ref


def check_references(data: dict[str, Any]) -> None:
    """Every reference between rows points at a row that exists, in the right
    bloc; columns fit their bloc's kind; votes fit the bloc's budget."""
    participants = _refs(data["participants"], "participants")
    blocs = _refs(data["blocs"], "blocs")
    clusters = _refs(data["clusters"], "regroupements")
    notes = _refs(data["notes"], "notes")
    if sum(p["role"] == "facilitator" for p in data["participants"]) > 1:
        raise _refuse(_("l'atelier a plus d'une animation (role « facilitator »)."))
    if data["workshop"]["current_bloc"] not in (None, *blocs):
        raise _refuse(_("« workshop.current_bloc » désigne un bloc absent."))
    for bloc in data["blocs"]:
        ids = [c["id"] for c in bloc["columns"]]
        minimum = {"brainstorm": 0, "columns": 2, "questions": 1}[bloc["kind"]]
        if len(set(ids)) != len(ids) or len(ids) < minimum or (bloc["kind"] == "brainstorm" and ids):
            raise _refuse(
                _(
                    "les colonnes du bloc {bloc_ref} ne conviennent pas à un bloc « {bloc_kind} ».",
                    bloc_ref=bloc["ref"],
                    bloc_kind=bloc["kind"],
                )
            )

    def in_bloc(row: dict[str, Any], what: str) -> dict[str, Any]:
        bloc = blocs.get(row["bloc"])
        if bloc is None:
            raise _refuse(_("{what} {row_ref} désigne un bloc absent.", what=what, row_ref=row.get("ref", "")))
        return bloc

    def check_column(row: dict[str, Any], what: str, *, required: bool) -> None:
        """A note sits in one of its bloc's columns (none in a brainstorm); a
        cluster too, or across columns (null)."""
        ids = [c["id"] for c in in_bloc(row, what)["columns"]]
        if row["column"] not in ids and (row["column"] is not None or (required and ids)):
            raise _refuse(_("{what} {row_ref} désigne une colonne absente de son bloc.", what=what, row_ref=row["ref"]))

    for cluster in data["clusters"]:
        check_column(cluster, "le regroupement", required=False)
    for note in data["notes"]:
        check_column(note, "la note", required=True)
        if note["author"] not in participants:
            raise _refuse(_("la note {note_ref} a un auteur absent.", note_ref=note["ref"]))
        if note["cluster"] is not None and clusters.get(note["cluster"], {}).get("bloc") != note["bloc"]:
            raise _refuse(_("la note {note_ref} désigne un regroupement absent de son bloc.", note_ref=note["ref"]))
    used: dict[tuple[int, int], int] = {}
    seen: set[tuple[int, int, str]] = set()
    for vote in data["votes"]:
        bloc = in_bloc(vote, "le vote")
        pool = clusters if vote["item"][0] == "c" else notes
        target = pool.get(int(vote["item"][1:]))
        if vote["participant"] not in participants or target is None or target["bloc"] != vote["bloc"]:
            raise _refuse(_("le vote {vote_item} désigne une personne ou un élément absent.", vote_item=vote["item"]))
        key = (vote["participant"], vote["bloc"])
        if (*key, vote["item"]) in seen:
            raise _refuse(_("le vote {vote_item} apparaît deux fois pour la même personne.", vote_item=vote["item"]))
        seen.add((*key, vote["item"]))
        used[key] = used.get(key, 0) + vote["dots"]
        if used[key] > bloc["vote_budget"] or (vote["dots"] > 1 and not bloc["vote_stacking"]):
            raise _refuse(_("les votes d'une personne dépassent le budget du bloc {bloc_ref}.", bloc_ref=bloc["ref"]))
    for volet in data["synthesis"]:
        for action in volet["actions"]:
            if not set(action["source"]["clusters"]) <= set(clusters) or not set(action["source"]["notes"]) <= set(
                notes
            ):
                raise _refuse(_("une action de la synthèse désigne un regroupement ou une note absente."))


def with_table(text: str, table: int | None) -> str:
    """A note or group written at a sub-group table keeps it as a tag in the exports."""
    return text if table is None else f"{text} (table {table})"


# One place for every export format.
EXPORT_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def export_filename(workshop: Workshop, fmt: str) -> str:
    """A safe ASCII file name: slugs only, because the date is free text
    ("20 – 22 mai", "2026/05/20") and the name goes into a header and a path."""
    from facilitate.session_templates import slugify

    stem = "-".join(filter(None, (slugify(workshop.title, fallback="atelier"), slugify(workshop.date, fallback=""))))
    return f"{stem}.{fmt}"


def readable_filename(workshop: Workshop, fmt: str) -> str:
    """The title and date as typed, for browsers that read RFC 5987's filename*:
    only path separators and control characters go."""
    stem = " ".join(filter(None, (workshop.title.strip(), workshop.date.strip())))
    stem = "".join(" " if c in "/\\" or unicodedata.category(c).startswith("C") else c for c in stem).strip(" .")
    return f"{stem or 'atelier'}.{fmt}"


class ArchiveCases(WorkshopCases):
    """The atelier as a synthesis document, a JSON archive and each export format;
    loading an archive as a new atelier (import, demo)."""

    def _load(self, workshop_id: str) -> dict[str, Any]:
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
            if workshop is None:
                raise workshop_not_found()
            blocs = store.list_blocs(conn, workshop_id)
            ids = [b.id for b in blocs]
            return {
                "workshop": workshop,
                "blocs": blocs,
                # Hidden and waiting notes reach no export, nor do names unless the atelier is named.
                "notes": {b.id: [n for n in store.notes_of_bloc(conn, b.id) if n.shown] for b in blocs},
                "clusters": {b.id: store.clusters_of_bloc(conn, b.id) for b in blocs},
                "totals": store.vote_totals(conn, ids),
                "participants": [
                    p if workshop.identity == IdentityMode.NAMED else replace(p, name=None)
                    for p in store.list_participants(conn, workshop_id)
                ],
                "votes": store.all_votes(conn, ids),
                "synthesis": store.synthesis(conn, workshop_id),
            }

    def export_document(self, workshop_id: str) -> ExportWorkshop:
        data = self._load(workshop_id)
        names = {p.id: p.name for p in data["participants"]}
        blocs = []
        for number, bloc in enumerate(data["blocs"], start=1):
            labels = {c.id: c.label for c in bloc.columns}
            totals = data["totals"][bloc.id]
            notes, clusters = data["notes"][bloc.id], data["clusters"][bloc.id]

            def export_note(n: Note) -> ExportNote:
                return ExportNote(
                    with_table(n.text, n.table),
                    names.get(n.participant_id),
                    labels.get(n.column or ""),  # noqa: B023 (export_note runs within this iteration)
                    n.created_at,
                    totals.get(f"n{n.id}", 0),  # noqa: B023
                )

            grouped = {c.id for c in clusters}
            ranked = ranking(items_of(clusters, notes), totals)
            blocs.append(
                ExportBloc(
                    number=number,
                    title=bloc.title,
                    kind=bloc.kind,
                    prompt=bloc.prompt,
                    columns=tuple(c.label for c in bloc.columns),
                    clusters=tuple(
                        ExportCluster(
                            with_table(c.label, c.table),
                            tuple(export_note(n) for n in notes if n.cluster == c.id),
                            labels.get(c.column or ""),
                            totals.get(f"c{c.id}", 0),
                        )
                        for c in sorted(clusters, key=lambda c: (c.table or 0, c.rank or 0, c.id))
                        if any(n.cluster == c.id for n in notes)
                    ),
                    loose_notes=tuple(export_note(n) for n in notes if n.cluster not in grouped),
                    voted=bool(totals),
                    fondamentaux=tuple(retained(bloc, ranked))
                    if bloc.fondamentaux or bloc.retained is not None
                    else (),
                )
            )
        w: Workshop = data["workshop"]
        return ExportWorkshop(
            title=w.title,
            event=w.event,
            date=w.date,
            facilitator_name=w.facilitator_name,
            organisation=w.organisation,
            volets=tuple(
                ExportVolet(v.title, tuple(ExportAction(a.text, a.soutien) for a in v.actions))
                for v in data["synthesis"]
            ),
            blocs=tuple(blocs),
            language=w.language,
        )

    def export_archive(self, workshop_id: str) -> dict[str, Any]:
        data = self._load(workshop_id)
        w: Workshop = data["workshop"]
        participant_ref = {p.id: i for i, p in enumerate(data["participants"], start=1)}
        bloc_ref = {b.id: i for i, b in enumerate(data["blocs"], start=1)}
        all_clusters = [c for b in data["blocs"] for c in data["clusters"][b.id]]
        all_notes = [n for b in data["blocs"] for n in data["notes"][b.id]]
        cluster_ref = {c.id: i for i, c in enumerate(all_clusters, start=1)}
        note_ref = {n.id: i for i, n in enumerate(all_notes, start=1)}

        def item_ref(item: str) -> str | None:
            kind, number = item[0], int(item[1:])
            ref = (cluster_ref if kind == "c" else note_ref).get(number)
            return None if ref is None else f"{kind}{ref}"

        return {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "workshop": {
                **workshop_details(w),
                "created_at": w.created_at,
                "identity": w.identity.value,
                "current_bloc": bloc_ref.get(w.current_bloc or 0),
            },
            "participants": [
                {"ref": participant_ref[p.id], "name": p.name, "role": p.role.value} for p in data["participants"]
            ],
            "blocs": [{"ref": bloc_ref[b.id], **bloc_settings(b), "retained": b.retained} for b in data["blocs"]],
            "clusters": [
                {
                    "ref": cluster_ref[c.id],
                    "bloc": bloc_ref[c.bloc_id],
                    "label": c.label,
                    "column": c.column,
                    "table": c.table,
                    "rank": c.rank,
                }
                for c in all_clusters
            ],
            "notes": [
                {
                    "ref": note_ref[n.id],
                    "bloc": bloc_ref[n.bloc_id],
                    "column": n.column,
                    "cluster": cluster_ref.get(n.cluster or 0),
                    "author": participant_ref[n.participant_id],
                    "text": n.text,
                    "created_at": n.created_at,
                    "updated_at": n.updated_at,
                    "paper": n.paper,
                    "table": n.table,
                }
                for n in all_notes
            ],
            "votes": [
                {"participant": participant_ref[pid], "bloc": bloc_ref[bid], "item": item_ref(item), "dots": dots}
                for pid, bid, item, dots in data["votes"]
                if item_ref(item) is not None
            ],
            "synthesis": [
                {
                    "title": v.title,
                    "actions": [
                        {
                            "text": a.text,
                            "soutien": a.soutien,
                            "source": {
                                "clusters": [cluster_ref[i] for i in a.source.get("clusters", []) if i in cluster_ref],
                                "notes": [note_ref[i] for i in a.source.get("notes", []) if i in note_ref],
                            },
                        }
                        for a in v.actions
                    ],
                }
                for v in data["synthesis"]
            ],
        }

    def import_archive(self, archive: Any) -> Workshop:
        """Load an archive as a new atelier (new id, join code and facilitator key).
        The whole archive is checked first (shape, ranges, references): a
        refused one writes nothing, an accepted one always opens."""
        data = read_archive(archive)
        check_references(data)
        return self._import(data)

    def _import(self, archive: dict[str, Any]) -> Workshop:
        meta = archive["workshop"]
        now = self.now()
        with self.db.transaction() as conn:
            workshop = self.insert_new_workshop(
                conn,
                title=meta["title"],
                template_id=meta["template"],
                event=meta["event"],
                date=meta["date"],
                facilitator_name=meta["facilitator_name"],
                organisation=meta["organisation"],
                created_at=meta["created_at"] or now,
                identity=IdentityMode(meta["identity"]),
                language=meta["language"],
            )
            people = archive["participants"]
            if not any(p["role"] == "facilitator" for p in people):
                people = [*people, {"ref": None, "name": workshop.facilitator_name or None, "role": "facilitator"}]
            participants = {
                p["ref"]: store.insert_participant(
                    conn, workshop.id, secrets.token_urlsafe(24), p["name"], Role(p["role"]), 1, now
                ).id
                for p in people
            }
            blocs = {}
            for position, b in enumerate(archive["blocs"]):
                bloc = Bloc(
                    0,
                    workshop.id,
                    position,
                    b["title"],
                    BlocKind(b["kind"]),
                    b["prompt"],
                    [Column(c["id"], c["label"]) for c in b["columns"]],
                    b["timer_seconds"],
                    b["vote_budget"],
                    b["private_writing"],
                    Phase(b["phase"]),
                    b["fondamentaux"],
                    participants_group=b["participants_group"],
                    vote_stacking=b["vote_stacking"],
                    retained=b["retained"],
                    moderated=b["moderated"],
                    by_table=b["by_table"],
                    plenary=b["plenary"],
                    seq=1,
                )
                blocs[b["ref"]] = store.insert_bloc(conn, bloc)
            clusters = {
                c["ref"]: store.insert_cluster(
                    conn,
                    Cluster(
                        0,
                        workshop.id,
                        blocs[c["bloc"]],
                        c["label"],
                        c["column"],
                        seq=1,
                        table=c["table"],
                        rank=c["rank"],
                    ),
                )
                for c in archive["clusters"]
            }
            notes = {}
            for n in archive["notes"]:
                note = store.insert_note(
                    conn,
                    Note(
                        0,
                        workshop.id,
                        blocs[n["bloc"]],
                        participants[n["author"]],
                        n["text"],
                        n["column"],
                        None,
                        n["created_at"] or now,
                        n["updated_at"] or now,
                        seq=1,
                        paper=n["paper"],
                        table=n["table"],
                    ),
                )
                if n["cluster"] is not None:
                    store.set_note_cluster(conn, [note.id], clusters[n["cluster"]], 1)
                notes[n["ref"]] = note.id
            for v in archive["votes"]:
                kind, ref = v["item"][0], int(v["item"][1:])
                item = f"c{clusters[ref]}" if kind == "c" else f"n{notes[ref]}"
                store.set_vote(conn, participants[v["participant"]], blocs[v["bloc"]], item, v["dots"])
            for position, volet in enumerate(archive["synthesis"]):
                volet_id = store.insert_volet(conn, workshop.id, position, volet["title"])
                for rank, a in enumerate(volet["actions"]):
                    source = {
                        "clusters": [clusters[r] for r in a["source"]["clusters"]],
                        "notes": [notes[r] for r in a["source"]["notes"]],
                    }
                    store.insert_action(
                        conn,
                        workshop.id,
                        Action(0, volet_id, rank, a["text"], a["soutien"], {k: v for k, v in source.items() if v}),
                    )
            current = blocs.get(meta["current_bloc"]) or next(iter(blocs.values()))
            self.open_at(conn, workshop, current)
        return workshop

    def render_export(
        self, workshop_id: str, fmt: str, offload: Callable[..., Any] = lambda fn, *args: fn(*args)
    ) -> bytes:
        """The atelier in `fmt` (docx, md, csv, json), as the bytes of the file.

        The database is read here; the Word rendering (pure, ~0.2 s for 1,000
        notes) goes through `offload`, which the server points at a real OS
        thread so the event loop keeps broadcasting meanwhile."""
        if fmt not in EXPORT_FORMATS:
            raise FacilitateError("unknown_format", _("Format inconnu : choisissez docx, md, csv ou json."), 404)
        if fmt == "json":
            import json

            return json.dumps(self.export_archive(workshop_id), ensure_ascii=False, indent=2).encode("utf-8")
        document = self.export_document(workshop_id)
        if fmt == "docx":
            from facilitate.export.docx import render_docx

            return offload(render_docx, document)
        if fmt == "md":
            from facilitate.export.markdown import render_markdown

            return render_markdown(document).encode("utf-8")
        from facilitate.export.csv import render_csv

        return render_csv(document).encode("utf-8-sig")  # the BOM lets Excel read the accents

    def public_results(self, workshop: Workshop) -> ExportWorkshop | None:
        """The synthesis and the rankings for the join address, when the
        facilitator chose to publish them and every bloc is closed."""
        if not workshop.results_public:
            return None
        with self.db.reading() as conn:
            closed = is_closed(store.list_blocs(conn, workshop.id))
        return self.export_document(workshop.id) if closed else None
