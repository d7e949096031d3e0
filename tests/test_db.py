"""The migration runner: whole scripts, one transaction each."""

from __future__ import annotations

import sqlite3

import pytest

from facilitate import db


def test_a_script_with_semicolons_inside_a_string_and_a_trigger_runs_whole(tmp_path, monkeypatch):
    script = """
    CREATE TABLE t (x TEXT);
    CREATE TRIGGER t_note AFTER INSERT ON t BEGIN
        UPDATE t SET x = x || ';' WHERE rowid = NEW.rowid;
    END;
    INSERT INTO t VALUES ('a;\nb');
    """
    monkeypatch.setattr(db, "_migrations", lambda: [(1, script)])
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    db.migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT x FROM t").fetchone()[0] == "a;\nb;"


def test_a_failing_migration_leaves_nothing_and_the_version_unchanged(tmp_path, monkeypatch):
    good = "CREATE TABLE kept (x);"
    bad = "CREATE TABLE half (x);\nINSERT INTO missing VALUES (1);"
    monkeypatch.setattr(db, "_migrations", lambda: [(1, good), (2, bad)])
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        db.migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"kept"}
    assert not conn.in_transaction


def test_the_unused_volets_column_is_gone(tmp_path):
    conn = db.connect(tmp_path / "x.db")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(workshop)")}
    assert "volets" not in columns


def test_the_unread_draw_date_is_gone_and_the_arrival_date_kept_for_retention(tmp_path):
    conn = db.connect(tmp_path / "x.db")
    assert "created_at" not in {row[1] for row in conn.execute("PRAGMA table_info(draw)")}
    assert "joined_at" in {row[1] for row in conn.execute("PRAGMA table_info(participant)")}
