"""All SQL lives here. Functions take an open connection (the caller owns the
transaction, see db.Database) and return model objects."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import TypeVar

from facilitate.model import (
    Account,
    Action,
    Bloc,
    BlocKind,
    Cluster,
    Column,
    Countdown,
    Draw,
    DrawMember,
    DrawStatus,
    IdentityMode,
    Note,
    Participant,
    Phase,
    Role,
    Volet,
    Wifi,
    Workshop,
)

T = TypeVar("T")


def _one(conn: sqlite3.Connection, sql: str, params: tuple[object, ...], build: Callable[[sqlite3.Row], T]) -> T | None:
    """The one row a query finds, as a model object, or None."""
    row = conn.execute(sql, params).fetchone()
    return build(row) if row else None


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
        volunteering=bool(row["volunteering"]),
        synthesis_seq=row["synthesis_seq"],
        locked=bool(row["locked"]),
        identity=IdentityMode(row["identity"]),
        tables=row["tables"],
        tables_choice=bool(row["tables_choice"]),
        cofacilitator_key=row["cofacilitator_key"],
        results_public=bool(row["results_public"]),
        language=row["language"],
    )


def insert_workshop(conn: sqlite3.Connection, w: Workshop) -> None:
    conn.execute(
        "INSERT INTO workshop (id, code, title, event, date, facilitator_name, organisation,"
        " template_id, facilitator_key, current_bloc, seq, meta_seq, synthesis_seq, created_at, identity, language)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            w.id,
            w.code,
            w.title,
            w.event,
            w.date,
            w.facilitator_name,
            w.organisation,
            w.template_id,
            w.facilitator_key,
            w.current_bloc,
            w.seq,
            w.meta_seq,
            w.synthesis_seq,
            w.created_at,
            w.identity.value,
            w.language,
        ),
    )


def ping(conn: sqlite3.Connection) -> None:
    """Raises if the database does not answer (the health check)."""
    conn.execute("SELECT 1").fetchone()


def get_workshop(conn: sqlite3.Connection, workshop_id: str) -> Workshop | None:
    return _one(conn, "SELECT * FROM workshop WHERE id = ?", (workshop_id,), _workshop)


def get_workshop_by_code(conn: sqlite3.Connection, code: str) -> Workshop | None:
    return _one(conn, "SELECT * FROM workshop WHERE code = ?", (code,), _workshop)


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
    conn.execute("UPDATE workshop SET current_bloc = ?, meta_seq = ? WHERE id = ?", (bloc_id, seq, workshop_id))


def set_volunteering(conn: sqlite3.Connection, workshop_id: str, open_: bool, seq: int) -> None:
    conn.execute("UPDATE workshop SET volunteering = ?, meta_seq = ? WHERE id = ?", (int(open_), seq, workshop_id))


def touch_workshop(conn: sqlite3.Connection, workshop_id: str, seq: int) -> None:
    """Mark the atelier-wide part of the state (meta, draw) as changed."""
    conn.execute("UPDATE workshop SET meta_seq = ? WHERE id = ?", (seq, workshop_id))


# -- blocs -----------------------------------------------------------------------


def _countdown(row: sqlite3.Row) -> Countdown | None:
    if row["timer_running"]:
        return Countdown(True, row["timer_remaining"] or 0.0, row["timer_ends_at"])
    if row["timer_remaining"] is not None:
        return Countdown(False, row["timer_remaining"])
    if row["timer_seconds"]:
        return Countdown(False, float(row["timer_seconds"]))
    return None


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
        fondamentaux=bool(row["fondamentaux"]),
        timer=_countdown(row),
        participants_group=bool(row["participants_group"]),
        vote_stacking=bool(row["vote_stacking"]),
        retained=None if row["retained"] is None else json.loads(row["retained"]),
        deleted=bool(row["deleted"]),
        seq=row["seq"],
        moderated=bool(row["moderated"]),
        by_table=bool(row["by_table"]),
        plenary=bool(row["plenary"]),
    )


def _columns_json(columns: list[Column]) -> str:
    return json.dumps([{"id": c.id, "label": c.label} for c in columns], ensure_ascii=False)


def insert_bloc(conn: sqlite3.Connection, b: Bloc) -> int:
    cur = conn.execute(
        "INSERT INTO bloc (workshop_id, position, title, kind, prompt, columns, timer_seconds, vote_budget,"
        " private_writing, phase, fondamentaux, participants_group, vote_stacking, retained, seq, moderated,"
        " by_table, plenary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            b.workshop_id,
            b.position,
            b.title,
            b.kind.value,
            b.prompt,
            _columns_json(b.columns),
            b.timer_seconds,
            b.vote_budget,
            int(b.private_writing),
            b.phase.value,
            int(b.fondamentaux),
            int(b.participants_group),
            int(b.vote_stacking),
            None if b.retained is None else json.dumps(b.retained, ensure_ascii=False),
            b.seq,
            int(b.moderated),
            int(b.by_table),
            int(b.plenary),
        ),
    )
    return int(cur.lastrowid)


def update_bloc(conn: sqlite3.Connection, b: Bloc) -> None:
    """Save what the facilitator may edit; the timer restarts from the new duration."""
    conn.execute(
        "UPDATE bloc SET position = ?, title = ?, prompt = ?, columns = ?, timer_seconds = ?, vote_budget = ?,"
        " private_writing = ?, fondamentaux = ?, participants_group = ?, vote_stacking = ?, retained = ?,"
        " deleted = ?, seq = ?, moderated = ?, by_table = ?, plenary = ? WHERE id = ?",
        (
            b.position,
            b.title,
            b.prompt,
            _columns_json(b.columns),
            b.timer_seconds,
            b.vote_budget,
            int(b.private_writing),
            int(b.fondamentaux),
            int(b.participants_group),
            int(b.vote_stacking),
            None if b.retained is None else json.dumps(b.retained, ensure_ascii=False),
            int(b.deleted),
            b.seq,
            int(b.moderated),
            int(b.by_table),
            int(b.plenary),
            b.id,
        ),
    )


def list_blocs(conn: sqlite3.Connection, workshop_id: str, *, with_deleted: bool = False) -> list[Bloc]:
    rows = conn.execute(
        "SELECT * FROM bloc WHERE workshop_id = ? AND (deleted = 0 OR ?) ORDER BY position, id",
        (workshop_id, int(with_deleted)),
    ).fetchall()
    return [_bloc(r) for r in rows]


def get_bloc(conn: sqlite3.Connection, workshop_id: str, bloc_id: int) -> Bloc | None:
    return _one(
        conn, "SELECT * FROM bloc WHERE id = ? AND workshop_id = ? AND deleted = 0", (bloc_id, workshop_id), _bloc
    )


def set_bloc_phase(conn: sqlite3.Connection, bloc_id: int, phase: Phase, seq: int) -> None:
    conn.execute("UPDATE bloc SET phase = ?, seq = ? WHERE id = ?", (phase.value, seq, bloc_id))


def set_timer(conn: sqlite3.Connection, bloc_id: int, timer: Countdown, seq: int) -> None:
    conn.execute(
        "UPDATE bloc SET timer_running = ?, timer_ends_at = ?, timer_remaining = ?, seq = ? WHERE id = ?",
        (int(timer.running), timer.ends_at, timer.remaining, seq, bloc_id),
    )


# -- participants ----------------------------------------------------------------


def _participant(row: sqlite3.Row) -> Participant:
    return Participant(
        id=row["id"],
        workshop_id=row["workshop_id"],
        token=row["token"],
        name=row["name"],
        role=Role(row["role"]),
        volunteer=bool(row["volunteer"]),
        seq=row["seq"],
        removed=bool(row["removed"]),
        muted=bool(row["muted"]),
        table=row["table_no"],
        rapporteur=bool(row["rapporteur"]),
    )


def insert_participant(
    conn: sqlite3.Connection, workshop_id: str, token: str, name: str | None, role: Role, seq: int, now: str
) -> Participant:
    cur = conn.execute(
        "INSERT INTO participant (workshop_id, token, name, role, joined_at, seq) VALUES (?, ?, ?, ?, ?, ?)",
        (workshop_id, token, name, role.value, now, seq),
    )
    return Participant(int(cur.lastrowid), workshop_id, token, name, role, seq=seq)


def find_participant_by_token(conn: sqlite3.Connection, workshop_id: str, token: str) -> Participant | None:
    return _one(
        conn, "SELECT * FROM participant WHERE workshop_id = ? AND token = ?", (workshop_id, token), _participant
    )


def get_participant(conn: sqlite3.Connection, workshop_id: str, participant_id: int) -> Participant | None:
    return _one(
        conn, "SELECT * FROM participant WHERE workshop_id = ? AND id = ?", (workshop_id, participant_id), _participant
    )


def get_facilitator_participant(conn: sqlite3.Connection, workshop_id: str) -> Participant:
    row = conn.execute(
        "SELECT * FROM participant WHERE workshop_id = ? AND role = 'facilitator'", (workshop_id,)
    ).fetchone()
    return _participant(row)


def participants_since(
    conn: sqlite3.Connection, workshop_id: str, since: int, only: int | None = None
) -> list[Participant]:
    """Participants changed since `since` (all of them, or just `only`)."""
    rows = conn.execute(
        "SELECT * FROM participant WHERE workshop_id = ? AND seq > ? AND role = 'participant'"
        " AND (? IS NULL OR id = ?) ORDER BY id",
        (workshop_id, since, only, only),
    ).fetchall()
    return [_participant(r) for r in rows]


def list_participants(conn: sqlite3.Connection, workshop_id: str) -> list[Participant]:
    rows = conn.execute("SELECT * FROM participant WHERE workshop_id = ? ORDER BY id", (workshop_id,)).fetchall()
    return [_participant(r) for r in rows]


def participant_names(conn: sqlite3.Connection, workshop_id: str) -> dict[int, str | None]:
    rows = conn.execute("SELECT id, name FROM participant WHERE workshop_id = ?", (workshop_id,)).fetchall()
    return {r["id"]: r["name"] for r in rows}


def volunteer_ids(conn: sqlite3.Connection, workshop_id: str) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM participant WHERE workshop_id = ? AND volunteer = 1 AND role = 'participant' ORDER BY id",
        (workshop_id,),
    ).fetchall()
    return [r["id"] for r in rows]


def set_volunteer(conn: sqlite3.Connection, participant_id: int, volunteer: bool, seq: int) -> None:
    conn.execute("UPDATE participant SET volunteer = ?, seq = ? WHERE id = ?", (int(volunteer), seq, participant_id))


def set_done(conn: sqlite3.Connection, participant_id: int, bloc_id: int, done: bool, seq: int) -> None:
    if done:
        conn.execute("INSERT OR IGNORE INTO done (participant_id, bloc_id) VALUES (?, ?)", (participant_id, bloc_id))
    else:
        conn.execute("DELETE FROM done WHERE participant_id = ? AND bloc_id = ?", (participant_id, bloc_id))
    touch_participant(conn, participant_id, seq)


def done_blocs(conn: sqlite3.Connection, participant_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(participant_ids)
    done: dict[int, list[int]] = {pid: [] for pid in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for r in conn.execute(
            f"SELECT participant_id, bloc_id FROM done WHERE participant_id IN ({marks}) ORDER BY bloc_id", ids
        ):
            done[r["participant_id"]].append(r["bloc_id"])
    return done


def set_locked(conn: sqlite3.Connection, workshop_id: str, locked: bool, seq: int) -> None:
    conn.execute("UPDATE workshop SET locked = ?, meta_seq = ? WHERE id = ?", (int(locked), seq, workshop_id))


def set_muted(conn: sqlite3.Connection, participant_id: int, muted: bool, seq: int) -> None:
    conn.execute("UPDATE participant SET muted = ?, seq = ? WHERE id = ?", (int(muted), seq, participant_id))


def set_identity(conn: sqlite3.Connection, workshop_id: str, identity: IdentityMode, seq: int) -> None:
    conn.execute("UPDATE workshop SET identity = ?, meta_seq = ? WHERE id = ?", (identity.value, seq, workshop_id))


def set_results_public(conn: sqlite3.Connection, workshop_id: str, public: bool, seq: int) -> None:
    conn.execute("UPDATE workshop SET results_public = ?, meta_seq = ? WHERE id = ?", (int(public), seq, workshop_id))


def set_cofacilitator_key(conn: sqlite3.Connection, workshop_id: str, key: str | None) -> None:
    conn.execute("UPDATE workshop SET cofacilitator_key = ? WHERE id = ?", (key, workshop_id))


def set_tables(conn: sqlite3.Connection, workshop_id: str, tables: int, choice: bool, seq: int) -> None:
    """`tables` tables; seats beyond the last table are cleared."""
    conn.execute(
        "UPDATE workshop SET tables = ?, tables_choice = ?, meta_seq = ? WHERE id = ?",
        (tables, int(choice), seq, workshop_id),
    )
    conn.execute(
        "UPDATE participant SET table_no = NULL, rapporteur = 0, seq = ? WHERE workshop_id = ? AND table_no > ?",
        (seq, workshop_id, tables),
    )


def seat(conn: sqlite3.Connection, participant_id: int, table: int | None, seq: int) -> None:
    conn.execute(
        "UPDATE participant SET table_no = ?, rapporteur = 0, seq = ? WHERE id = ?", (table, seq, participant_id)
    )


def set_rapporteur(conn: sqlite3.Connection, workshop_id: str, table: int, participant_id: int, seq: int) -> None:
    """One rapporteur per table."""
    conn.execute(
        "UPDATE participant SET rapporteur = (id = ?), seq = ? WHERE workshop_id = ? AND table_no = ?",
        (participant_id, seq, workshop_id, table),
    )


def set_cluster_ranks(conn: sqlite3.Connection, ranks: dict[int, int], seq: int) -> None:
    conn.executemany("UPDATE cluster SET rank = ?, seq = ? WHERE id = ?", [(r, seq, cid) for cid, r in ranks.items()])


def participant_count(conn: sqlite3.Connection, workshop_id: str) -> int:
    """Participants who ever joined (removed ones too: they saw the mode)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM participant WHERE workshop_id = ? AND role = 'participant'", (workshop_id,)
        ).fetchone()[0]
    )


def set_note_moderation(
    conn: sqlite3.Connection,
    note_ids: Iterable[int],
    *,
    seq: int,
    hidden: bool | None = None,
    pending: bool | None = None,
) -> None:
    """Hide or show notes, or let pending ones through; each becomes changed at `seq`."""
    for column, value in (("hidden", hidden), ("pending", pending)):
        if value is not None:
            conn.executemany(
                f"UPDATE note SET {column} = ?, seq = ? WHERE id = ?", [(int(value), seq, nid) for nid in note_ids]
            )


def pending_note_ids(conn: sqlite3.Connection, bloc_id: int) -> list[int]:
    rows = conn.execute("SELECT id FROM note WHERE bloc_id = ? AND pending = 1 AND deleted = 0", (bloc_id,))
    return [r[0] for r in rows]


def remove_participant(conn: sqlite3.Connection, participant_id: int, seq: int) -> None:
    conn.execute("UPDATE participant SET removed = 1, volunteer = 0, seq = ? WHERE id = ?", (seq, participant_id))


def board_note_counts(conn: sqlite3.Connection, bloc_ids: list[int]) -> dict[int, int]:
    """Notes each bloc shows the room (not deleted, hidden or waiting for approval)."""
    marks = ",".join("?" * len(bloc_ids))
    rows = conn.execute(
        f"SELECT bloc_id, count(*) FROM note WHERE bloc_id IN ({marks}) AND deleted = 0 AND hidden = 0"
        " AND pending = 0 GROUP BY bloc_id",
        bloc_ids,
    ).fetchall()
    return {bloc_id: 0 for bloc_id in bloc_ids} | {r[0]: r[1] for r in rows}


def contributor_ids(conn: sqlite3.Connection, workshop_id: str) -> set[int]:
    """Participants who wrote, voted, said "j'ai terminé" or volunteered (they keep their seat)."""
    rows = conn.execute(
        "SELECT participant_id FROM note WHERE workshop_id = ?1"
        " UNION SELECT v.participant_id FROM vote v JOIN bloc b ON b.id = v.bloc_id WHERE b.workshop_id = ?1"
        " UNION SELECT d.participant_id FROM done d JOIN bloc b ON b.id = d.bloc_id WHERE b.workshop_id = ?1"
        " UNION SELECT id FROM participant WHERE workshop_id = ?1 AND volunteer = 1",
        (workshop_id,),
    ).fetchall()
    removed = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM participant WHERE workshop_id = ? AND (removed = 1 OR role != 'participant')",
            (workshop_id,),
        )
    }
    return {r[0] for r in rows} - removed


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


def note_counts_by_column(conn: sqlite3.Connection, bloc_id: int) -> dict[str | None, int]:
    rows = conn.execute(
        "SELECT column_id, count(*) AS n FROM note WHERE bloc_id = ? AND deleted = 0 GROUP BY column_id", (bloc_id,)
    ).fetchall()
    return {r["column_id"]: r["n"] for r in rows}


# -- notes -----------------------------------------------------------------------

_NOTE_SELECT = (
    "SELECT note.*, participant.role AS author_role FROM note JOIN participant ON participant.id = note.participant_id"
)


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
        cluster=row["cluster_id"],
        seq=row["seq"],
        hidden=bool(row["hidden"]),
        pending=bool(row["pending"]),
        paper=bool(row["paper"]),
        table=row["table_no"],
    )


def _notes_with_roles(rows: list[sqlite3.Row]) -> list[tuple[Note, Role]]:
    return [(_note(r), Role(r["author_role"])) for r in rows]


def insert_note(conn: sqlite3.Connection, note: Note) -> Note:
    cur = conn.execute(
        "INSERT INTO note (workshop_id, bloc_id, participant_id, column_id, text, client_id,"
        " created_at, updated_at, seq, pending, paper, table_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            note.workshop_id,
            note.bloc_id,
            note.participant_id,
            note.column,
            note.text,
            note.client_id,
            note.created_at,
            note.updated_at,
            note.seq,
            int(note.pending),
            int(note.paper),
            note.table,
        ),
    )
    note.id = int(cur.lastrowid)
    return note


def get_note(conn: sqlite3.Connection, workshop_id: str, note_id: int) -> Note | None:
    return _one(
        conn, "SELECT * FROM note WHERE id = ? AND workshop_id = ? AND deleted = 0", (note_id, workshop_id), _note
    )


def find_note_by_client_id(conn: sqlite3.Connection, participant_id: int, client_id: str) -> Note | None:
    return _one(
        conn, "SELECT * FROM note WHERE participant_id = ? AND client_id = ?", (participant_id, client_id), _note
    )


def update_note_text(conn: sqlite3.Connection, note_id: int, text: str, seq: int, now: str) -> None:
    conn.execute("UPDATE note SET text = ?, updated_at = ?, seq = ? WHERE id = ?", (text, now, seq, note_id))


def delete_note(conn: sqlite3.Connection, note_id: int, seq: int, now: str) -> None:
    """Keep a tombstone (id, bloc, seq) so a reconnecting screen learns of the
    deletion; the text itself is erased."""
    conn.execute("UPDATE note SET deleted = 1, text = '', updated_at = ?, seq = ? WHERE id = ?", (now, seq, note_id))


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


# -- team draws ------------------------------------------------------------------


def insert_draw(
    conn: sqlite3.Connection, workshop_id: str, mode: str, team_size: int, members: list[DrawMember]
) -> int:
    cur = conn.execute(
        "INSERT INTO draw (workshop_id, mode, team_size) VALUES (?, ?, ?)", (workshop_id, mode, team_size)
    )
    draw_id = int(cur.lastrowid)
    conn.executemany(
        "INSERT INTO draw_member (draw_id, participant_id, rank, team, status) VALUES (?, ?, ?, ?, ?)",
        [(draw_id, m.participant_id, m.rank, m.team, m.status.value) for m in members],
    )
    return draw_id


def latest_draw(conn: sqlite3.Connection, workshop_id: str) -> Draw | None:
    row = conn.execute("SELECT * FROM draw WHERE workshop_id = ? ORDER BY id DESC LIMIT 1", (workshop_id,)).fetchone()
    if row is None:
        return None
    members = conn.execute("SELECT * FROM draw_member WHERE draw_id = ? ORDER BY rank", (row["id"],)).fetchall()
    return Draw(
        id=row["id"],
        mode=row["mode"],
        team_size=row["team_size"],
        members=tuple(DrawMember(m["participant_id"], m["rank"], m["team"], DrawStatus(m["status"])) for m in members),
    )


def update_draw_members(conn: sqlite3.Connection, draw_id: int, members: list[DrawMember]) -> None:
    conn.executemany(
        "UPDATE draw_member SET team = ?, status = ? WHERE draw_id = ? AND participant_id = ?",
        [(m.team, m.status.value, draw_id, m.participant_id) for m in members],
    )


# -- clusters ----------------------------------------------------------------------


def _cluster(row: sqlite3.Row) -> Cluster:
    return Cluster(
        row["id"],
        row["workshop_id"],
        row["bloc_id"],
        row["label"],
        row["column_id"],
        bool(row["deleted"]),
        row["seq"],
        table=row["table_no"],
        rank=row["rank"],
    )


def insert_cluster(conn: sqlite3.Connection, c: Cluster) -> int:
    cur = conn.execute(
        "INSERT INTO cluster (workshop_id, bloc_id, label, column_id, seq, table_no) VALUES (?, ?, ?, ?, ?, ?)",
        (c.workshop_id, c.bloc_id, c.label, c.column, c.seq, c.table),
    )
    return int(cur.lastrowid)


def get_cluster(conn: sqlite3.Connection, workshop_id: str, cluster_id: int) -> Cluster | None:
    return _one(
        conn,
        "SELECT * FROM cluster WHERE id = ? AND workshop_id = ? AND deleted = 0",
        (cluster_id, workshop_id),
        _cluster,
    )


def save_cluster(conn: sqlite3.Connection, c: Cluster) -> None:
    conn.execute(
        "UPDATE cluster SET label = ?, column_id = ?, deleted = ?, seq = ? WHERE id = ?",
        (c.label, c.column, int(c.deleted), c.seq, c.id),
    )


def clusters_of_bloc(conn: sqlite3.Connection, bloc_id: int) -> list[Cluster]:
    rows = conn.execute("SELECT * FROM cluster WHERE bloc_id = ? AND deleted = 0 ORDER BY id", (bloc_id,)).fetchall()
    return [_cluster(r) for r in rows]


def clusters_since(conn: sqlite3.Connection, workshop_id: str, since: int, bloc_ids: Iterable[int]) -> list[Cluster]:
    """Clusters changed since `since` (deleted ones included), plus every live
    cluster of the given blocs."""
    ids = list(bloc_ids)
    marks = ",".join("?" * len(ids)) or "NULL"
    rows = conn.execute(
        f"SELECT * FROM cluster WHERE workshop_id = ? AND (seq > ? OR (deleted = 0 AND bloc_id IN ({marks})))"
        " ORDER BY id",
        (workshop_id, since, *ids),
    ).fetchall()
    return [_cluster(r) for r in rows]


def notes_of_bloc(conn: sqlite3.Connection, bloc_id: int) -> list[Note]:
    rows = conn.execute("SELECT * FROM note WHERE bloc_id = ? AND deleted = 0 ORDER BY id", (bloc_id,)).fetchall()
    return [_note(r) for r in rows]


def set_note_cluster(conn: sqlite3.Connection, note_ids: Iterable[int], cluster_id: int | None, seq: int) -> None:
    conn.executemany(
        "UPDATE note SET cluster_id = ?, seq = ? WHERE id = ?", [(cluster_id, seq, nid) for nid in note_ids]
    )


# A bloc keeps its last UNDO_DEPTH grouping snapshots: enough to walk back
# a session's mistakes, bounded so that a long regroupement does not grow
# the database by a copy of the board per action.
UNDO_DEPTH = 50


def push_undo(conn: sqlite3.Connection, bloc_id: int, snapshot: dict) -> None:
    conn.execute("INSERT INTO grouping_undo (bloc_id, snapshot) VALUES (?, ?)", (bloc_id, json.dumps(snapshot)))
    conn.execute(
        "DELETE FROM grouping_undo WHERE bloc_id = ? AND id NOT IN"
        " (SELECT id FROM grouping_undo WHERE bloc_id = ? ORDER BY id DESC LIMIT ?)",
        (bloc_id, bloc_id, UNDO_DEPTH),
    )


def pop_undo(conn: sqlite3.Connection, bloc_id: int) -> dict | None:
    row = conn.execute(
        "SELECT id, snapshot FROM grouping_undo WHERE bloc_id = ? ORDER BY id DESC LIMIT 1", (bloc_id,)
    ).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM grouping_undo WHERE id = ?", (row["id"],))
    return json.loads(row["snapshot"])


# -- votes --------------------------------------------------------------------------


def votes_of(conn: sqlite3.Connection, participant_id: int, bloc_id: int) -> dict[str, int]:
    rows = conn.execute(
        "SELECT item, dots FROM vote WHERE participant_id = ? AND bloc_id = ?", (participant_id, bloc_id)
    ).fetchall()
    return {r["item"]: r["dots"] for r in rows}


def set_vote(conn: sqlite3.Connection, participant_id: int, bloc_id: int, item: str, dots: int) -> None:
    if dots:
        conn.execute(
            "INSERT INTO vote (participant_id, bloc_id, item, dots) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (participant_id, bloc_id, item) DO UPDATE SET dots = excluded.dots",
            (participant_id, bloc_id, item, dots),
        )
    else:
        conn.execute(
            "DELETE FROM vote WHERE participant_id = ? AND bloc_id = ? AND item = ?", (participant_id, bloc_id, item)
        )


def vote_totals(conn: sqlite3.Connection, bloc_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    ids = list(bloc_ids)
    totals: dict[int, dict[str, int]] = {b: {} for b in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for r in conn.execute(
            f"SELECT bloc_id, item, sum(dots) AS n FROM vote WHERE bloc_id IN ({marks}) GROUP BY bloc_id, item", ids
        ):
            totals[r["bloc_id"]][r["item"]] = r["n"]
    return totals


def all_votes(conn: sqlite3.Connection, bloc_ids: Iterable[int]) -> list[tuple[int, int, str, int]]:
    """(participant, bloc, item, dots) for every vote of these blocs."""
    ids = list(bloc_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT * FROM vote WHERE bloc_id IN ({marks}) ORDER BY participant_id, bloc_id, item", ids
    ).fetchall()
    return [(r["participant_id"], r["bloc_id"], r["item"], r["dots"]) for r in rows]


def delete_workshop(conn: sqlite3.Connection, workshop_id: str) -> bool:
    """Everything about the atelier goes (foreign keys cascade): Québec's Law 25."""
    # note.cluster_id has no cascade of its own: unhook it before clusters go.
    conn.execute("UPDATE note SET cluster_id = NULL WHERE workshop_id = ?", (workshop_id,))
    return conn.execute("DELETE FROM workshop WHERE id = ?", (workshop_id,)).rowcount > 0


def my_votes(conn: sqlite3.Connection, participant_ids: Iterable[int]) -> dict[int, dict[int, dict[str, int]]]:
    """participant -> bloc -> item -> dots."""
    ids = list(participant_ids)
    result: dict[int, dict[int, dict[str, int]]] = {pid: {} for pid in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for r in conn.execute(f"SELECT * FROM vote WHERE participant_id IN ({marks})", ids):
            result[r["participant_id"]].setdefault(r["bloc_id"], {})[r["item"]] = r["dots"]
    return result


# -- synthesis ------------------------------------------------------------------------


def touch_synthesis(conn: sqlite3.Connection, workshop_id: str, seq: int) -> None:
    conn.execute("UPDATE workshop SET synthesis_seq = ? WHERE id = ?", (seq, workshop_id))


def synthesis(conn: sqlite3.Connection, workshop_id: str) -> list[Volet]:
    volets = [
        Volet(r["id"], r["workshop_id"], r["position"], r["title"])
        for r in conn.execute("SELECT * FROM volet WHERE workshop_id = ? ORDER BY position, id", (workshop_id,))
    ]
    by_id = {v.id: v for v in volets}
    for r in conn.execute("SELECT * FROM action WHERE workshop_id = ? ORDER BY position, id", (workshop_id,)):
        by_id[r["volet_id"]].actions.append(
            Action(r["id"], r["volet_id"], r["position"], r["text"], r["soutien"], json.loads(r["source"]))
        )
    return volets


def insert_volet(conn: sqlite3.Connection, workshop_id: str, position: int, title: str) -> int:
    cur = conn.execute(
        "INSERT INTO volet (workshop_id, position, title) VALUES (?, ?, ?)", (workshop_id, position, title)
    )
    return int(cur.lastrowid)


def save_volet(conn: sqlite3.Connection, volet: Volet) -> None:
    conn.execute("UPDATE volet SET position = ?, title = ? WHERE id = ?", (volet.position, volet.title, volet.id))


def delete_volet(conn: sqlite3.Connection, volet_id: int) -> None:
    conn.execute("DELETE FROM volet WHERE id = ?", (volet_id,))


def insert_action(conn: sqlite3.Connection, workshop_id: str, action: Action) -> int:
    cur = conn.execute(
        "INSERT INTO action (workshop_id, volet_id, position, text, soutien, source) VALUES (?, ?, ?, ?, ?, ?)",
        (workshop_id, action.volet_id, action.position, action.text, action.soutien, json.dumps(action.source)),
    )
    return int(cur.lastrowid)


def save_action(conn: sqlite3.Connection, action: Action) -> None:
    conn.execute(
        "UPDATE action SET volet_id = ?, position = ?, text = ?, soutien = ?, source = ? WHERE id = ?",
        (action.volet_id, action.position, action.text, action.soutien, json.dumps(action.source), action.id),
    )


def delete_action(conn: sqlite3.Connection, action_id: int) -> None:
    conn.execute("DELETE FROM action WHERE id = ?", (action_id,))


# -- accounts (hosted mode) ------------------------------------------------------


def _account(row: sqlite3.Row) -> Account:
    return Account(
        row["id"], row["email"], row["password_hash"], bool(row["is_admin"]), row["session_token"], row["created_at"]
    )


def insert_account(
    conn: sqlite3.Connection, email: str, password_hash: str, is_admin: bool, session_token: str, now: str
) -> Account:
    cursor = conn.execute(
        "INSERT INTO account (email, password_hash, is_admin, session_token, created_at) VALUES (?, ?, ?, ?, ?)",
        (email, password_hash, int(is_admin), session_token, now),
    )
    return Account(int(cursor.lastrowid or 0), email, password_hash, is_admin, session_token, now)


def get_account(conn: sqlite3.Connection, account_id: int) -> Account | None:
    return _one(conn, "SELECT * FROM account WHERE id = ?", (account_id,), _account)


def find_account(conn: sqlite3.Connection, email: str) -> Account | None:
    return _one(conn, "SELECT * FROM account WHERE email = ?", (email,), _account)


def list_accounts(conn: sqlite3.Connection) -> list[Account]:
    return [_account(r) for r in conn.execute("SELECT * FROM account ORDER BY email").fetchall()]


def set_password(conn: sqlite3.Connection, account_id: int, password_hash: str, session_token: str) -> None:
    conn.execute(
        "UPDATE account SET password_hash = ?, session_token = ? WHERE id = ?",
        (password_hash, session_token, account_id),
    )


def delete_account(conn: sqlite3.Connection, account_id: int) -> None:
    conn.execute("DELETE FROM account WHERE id = ?", (account_id,))


def set_owner(conn: sqlite3.Connection, workshop_id: str, account_id: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO workshop_owner (workshop_id, account_id) VALUES (?, ?)", (workshop_id, account_id)
    )


def owner_of(conn: sqlite3.Connection, workshop_id: str) -> int | None:
    row = conn.execute("SELECT account_id FROM workshop_owner WHERE workshop_id = ?", (workshop_id,)).fetchone()
    return row[0] if row else None


def workshops_of(conn: sqlite3.Connection, account_id: int) -> list[Workshop]:
    rows = conn.execute(
        "SELECT w.* FROM workshop w JOIN workshop_owner o ON o.workshop_id = w.id WHERE o.account_id = ?"
        " ORDER BY w.created_at DESC",
        (account_id,),
    ).fetchall()
    return [_workshop(r) for r in rows]


def set_facilitator_key(conn: sqlite3.Connection, workshop_id: str, key: str) -> None:
    conn.execute("UPDATE workshop SET facilitator_key = ? WHERE id = ?", (key, workshop_id))


def last_activity(conn: sqlite3.Connection) -> dict[str, str]:
    """Atelier id -> the time of its last note, arrival or creation (ISO, UTC)."""
    rows = conn.execute(
        "SELECT w.id, max(w.created_at,"
        " coalesce((SELECT max(updated_at) FROM note WHERE workshop_id = w.id), ''),"
        " coalesce((SELECT max(joined_at) FROM participant WHERE workshop_id = w.id), '')) AS active"
        " FROM workshop w"
    ).fetchall()
    return {r["id"]: r["active"] for r in rows}


# -- the room's Wi-Fi ------------------------------------------------------------


def get_wifi(conn: sqlite3.Connection, workshop_id: str) -> Wifi | None:
    return _one(
        conn,
        "SELECT * FROM workshop_wifi WHERE workshop_id = ?",
        (workshop_id,),
        lambda row: Wifi(row["ssid"], row["password"], row["security"]),
    )


def set_wifi(conn: sqlite3.Connection, workshop_id: str, wifi: Wifi | None) -> None:
    conn.execute("DELETE FROM workshop_wifi WHERE workshop_id = ?", (workshop_id,))
    if wifi is not None:
        conn.execute(
            "INSERT INTO workshop_wifi (workshop_id, ssid, password, security) VALUES (?, ?, ?, ?)",
            (workshop_id, wifi.ssid, wifi.password, wifi.security),
        )
