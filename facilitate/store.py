"""All SQL lives here. Functions take an open connection (the caller owns the
transaction, see db.Database) and return model objects."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from facilitate.model import Bloc, BlocKind, Column, Note, Participant, Phase, Role, Workshop

# -- workshops -----------------------------------------------------------------


def _workshop(row: sqlite3.Row) -> Workshop:
    return Workshop(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        facilitator_key=row["facilitator_key"],
        template_id=row["template_id"],
        event=row["event"],
        date=row["date"],
        facilitator_name=row["facilitator_name"],
        organisation=row["organisation"],
        current_bloc=row["current_bloc"],
        seq=row["seq"],
        meta_seq=row["meta_seq"],
        created_at=row["created_at"],
        volets=json.loads(row["volets"]),
    )


def insert_workshop(conn: sqlite3.Connection, w: Workshop) -> None:
    conn.execute(
        "INSERT INTO workshop (id, code, title, event, date, facilitator_name, organisation,"
        " template_id, facilitator_key, current_bloc, volets, seq, meta_seq, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            w.id, w.code, w.title, w.event, w.date, w.facilitator_name, w.organisation,
            w.template_id, w.facilitator_key, w.current_bloc, json.dumps(w.volets),
            w.seq, w.meta_seq, w.created_at,
        ),
    )


def get_workshop(conn: sqlite3.Connection, workshop_id: str) -> Workshop | None:
    row = conn.execute("SELECT * FROM workshop WHERE id = ?", (workshop_id,)).fetchone()
    return _workshop(row) if row else None


def get_workshop_by_code(conn: sqlite3.Connection, code: str) -> Workshop | None:
    row = conn.execute("SELECT * FROM workshop WHERE code = ?", (code,)).fetchone()
    return _workshop(row) if row else None


def list_workshops(conn: sqlite3.Connection) -> list[Workshop]:
    rows = conn.execute("SELECT * FROM workshop ORDER BY created_at DESC, id").fetchall()
    return [_workshop(r) for r in rows]


def code_in_use(conn: sqlite3.Connection, code: str) -> bool:
    return conn.execute("SELECT 1 FROM workshop WHERE code = ?", (code,)).fetchone() is not None


def bump_seq(conn: sqlite3.Connection, workshop_id: str) -> int:
    """Advance the atelier's change counter inside the caller's transaction."""
    conn.execute("UPDATE workshop SET seq = seq + 1 WHERE id = ?", (workshop_id,))
    return conn.execute("SELECT seq FROM workshop WHERE id = ?", (workshop_id,)).fetchone()[0]


def set_current_bloc(conn: sqlite3.Connection, workshop_id: str, bloc_id: int, seq: int) -> None:
    conn.execute(
        "UPDATE workshop SET current_bloc = ?, meta_seq = ? WHERE id = ?", (bloc_id, seq, workshop_id)
    )


# -- blocs -----------------------------------------------------------------------


def _bloc(row: sqlite3.Row) -> Bloc:
    return Bloc(
        id=row["id"],
        workshop_id=row["workshop_id"],
        position=row["position"],
        title=row["title"],
        kind=BlocKind(row["kind"]),
        prompt=row["prompt"],
        columns=[Column(c["id"], c["label"]) for c in json.loads(row["columns"])],
        timer_seconds=row["timer_seconds"],
        vote_budget=row["vote_budget"],
        private_writing=bool(row["private_writing"]),
        phase=Phase(row["phase"]),
        seq=row["seq"],
    )


def insert_bloc(conn: sqlite3.Connection, b: Bloc) -> int:
    cur = conn.execute(
        "INSERT INTO bloc (workshop_id, position, title, kind, prompt, columns, timer_seconds,"
        " vote_budget, private_writing, phase, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            b.workshop_id, b.position, b.title, b.kind.value, b.prompt,
            json.dumps([{"id": c.id, "label": c.label} for c in b.columns]),
            b.timer_seconds, b.vote_budget, int(b.private_writing), b.phase.value, b.seq,
        ),
    )
    return int(cur.lastrowid)


def list_blocs(conn: sqlite3.Connection, workshop_id: str) -> list[Bloc]:
    rows = conn.execute(
        "SELECT * FROM bloc WHERE workshop_id = ? ORDER BY position, id", (workshop_id,)
    ).fetchall()
    return [_bloc(r) for r in rows]


def get_bloc(conn: sqlite3.Connection, workshop_id: str, bloc_id: int) -> Bloc | None:
    row = conn.execute(
        "SELECT * FROM bloc WHERE id = ? AND workshop_id = ?", (bloc_id, workshop_id)
    ).fetchone()
    return _bloc(row) if row else None


def set_bloc_phase(conn: sqlite3.Connection, bloc_id: int, phase: Phase, seq: int) -> None:
    conn.execute("UPDATE bloc SET phase = ?, seq = ? WHERE id = ?", (phase.value, seq, bloc_id))


# -- participants ----------------------------------------------------------------


def _participant(row: sqlite3.Row) -> Participant:
    return Participant(
        id=row["id"],
        workshop_id=row["workshop_id"],
        token=row["token"],
        name=row["name"],
        role=Role(row["role"]),
        seq=row["seq"],
    )


def insert_participant(
    conn: sqlite3.Connection, workshop_id: str, token: str, name: str | None, role: Role, seq: int, now: str
) -> Participant:
    cur = conn.execute(
        "INSERT INTO participant (workshop_id, token, name, role, joined_at, seq) VALUES (?, ?, ?, ?, ?, ?)",
        (workshop_id, token, name, role.value, now, seq),
    )
    return Participant(int(cur.lastrowid), workshop_id, token, name, role, seq)


def find_participant_by_token(conn: sqlite3.Connection, workshop_id: str, token: str) -> Participant | None:
    row = conn.execute(
        "SELECT * FROM participant WHERE workshop_id = ? AND token = ?", (workshop_id, token)
    ).fetchone()
    return _participant(row) if row else None


def get_facilitator_participant(conn: sqlite3.Connection, workshop_id: str) -> Participant:
    row = conn.execute(
        "SELECT * FROM participant WHERE workshop_id = ? AND role = 'facilitator'", (workshop_id,)
    ).fetchone()
    return _participant(row)


def participants_since(conn: sqlite3.Connection, workshop_id: str, since: int) -> list[Participant]:
    rows = conn.execute(
        "SELECT * FROM participant WHERE workshop_id = ? AND seq > ? AND role = 'participant' ORDER BY id",
        (workshop_id, since),
    ).fetchall()
    return [_participant(r) for r in rows]


def count_participants(conn: sqlite3.Connection, workshop_id: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM participant WHERE workshop_id = ? AND role = 'participant'", (workshop_id,)
    ).fetchone()[0]


def touch_participant(conn: sqlite3.Connection, participant_id: int, seq: int) -> None:
    conn.execute("UPDATE participant SET seq = ? WHERE id = ?", (seq, participant_id))


def note_counts(conn: sqlite3.Connection, participant_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Live notes per participant and bloc: what the staff see during private writing."""
    ids = list(participant_ids)
    counts: dict[int, dict[int, int]] = {pid: {} for pid in ids}
    if not ids:
        return counts
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT participant_id, bloc_id, count(*) AS n FROM note WHERE deleted = 0"
        f" AND participant_id IN ({marks}) GROUP BY participant_id, bloc_id",
        ids,
    ).fetchall()
    for r in rows:
        counts[r["participant_id"]][r["bloc_id"]] = r["n"]
    return counts


# -- notes -----------------------------------------------------------------------

_NOTE_SELECT = "SELECT note.*, participant.role AS author_role FROM note JOIN participant ON participant.id = note.participant_id"


def _note(row: sqlite3.Row) -> Note:
    return Note(
        id=row["id"],
        workshop_id=row["workshop_id"],
        bloc_id=row["bloc_id"],
        participant_id=row["participant_id"],
        text=row["text"],
        column=row["column_id"],
        client_id=row["client_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted=bool(row["deleted"]),
        seq=row["seq"],
    )


def _notes_with_roles(rows: list[sqlite3.Row]) -> list[tuple[Note, Role]]:
    return [(_note(r), Role(r["author_role"])) for r in rows]


def insert_note(conn: sqlite3.Connection, note: Note) -> Note:
    cur = conn.execute(
        "INSERT INTO note (workshop_id, bloc_id, participant_id, column_id, text, client_id,"
        " created_at, updated_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            note.workshop_id, note.bloc_id, note.participant_id, note.column, note.text,
            note.client_id, note.created_at, note.updated_at, note.seq,
        ),
    )
    note.id = int(cur.lastrowid)
    return note


def get_note(conn: sqlite3.Connection, workshop_id: str, note_id: int) -> Note | None:
    row = conn.execute(
        "SELECT * FROM note WHERE id = ? AND workshop_id = ? AND deleted = 0", (note_id, workshop_id)
    ).fetchone()
    return _note(row) if row else None


def find_note_by_client_id(conn: sqlite3.Connection, participant_id: int, client_id: str) -> Note | None:
    row = conn.execute(
        "SELECT * FROM note WHERE participant_id = ? AND client_id = ?", (participant_id, client_id)
    ).fetchone()
    return _note(row) if row else None


def update_note_text(conn: sqlite3.Connection, note_id: int, text: str, seq: int, now: str) -> None:
    conn.execute(
        "UPDATE note SET text = ?, updated_at = ?, seq = ? WHERE id = ?", (text, now, seq, note_id)
    )


def delete_note(conn: sqlite3.Connection, note_id: int, seq: int, now: str) -> None:
    """Keep a tombstone (id, bloc, seq) so a reconnecting screen learns of the
    deletion; the text itself is erased."""
    conn.execute(
        "UPDATE note SET deleted = 1, text = '', updated_at = ?, seq = ? WHERE id = ?", (now, seq, note_id)
    )


def notes_for_patch(
    conn: sqlite3.Connection, workshop_id: str, since: int, bloc_ids: Iterable[int]
) -> list[tuple[Note, Role]]:
    """Notes changed since `since` (tombstones included), plus every live note of
    the given blocs (blocs whose phase or settings changed are resent whole)."""
    ids = list(bloc_ids)
    marks = ",".join("?" * len(ids)) or "NULL"
    rows = conn.execute(
        f"{_NOTE_SELECT} WHERE note.workshop_id = ? AND (note.seq > ? OR"
        f" (note.deleted = 0 AND note.bloc_id IN ({marks}))) ORDER BY note.id",
        (workshop_id, since, *ids),
    ).fetchall()
    return _notes_with_roles(rows)
