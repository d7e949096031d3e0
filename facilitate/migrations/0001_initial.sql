-- Every changed row carries the atelier's `seq` at the time of the change,
-- so "what changed since seq N" is one indexed query (resync after a drop).
CREATE TABLE workshop (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    event            TEXT NOT NULL DEFAULT '',
    date             TEXT NOT NULL DEFAULT '',
    facilitator_name TEXT NOT NULL DEFAULT '',
    organisation     TEXT NOT NULL DEFAULT '',
    template_id      TEXT,
    facilitator_key  TEXT NOT NULL,
    current_bloc     INTEGER,
    volets           TEXT NOT NULL DEFAULT '[]',
    seq              INTEGER NOT NULL DEFAULT 0,
    meta_seq         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);

CREATE TABLE bloc (
    id              INTEGER PRIMARY KEY,
    workshop_id     TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    prompt          TEXT NOT NULL DEFAULT '',
    columns         TEXT NOT NULL DEFAULT '[]',
    timer_seconds   INTEGER,
    vote_budget     INTEGER NOT NULL DEFAULT 5,
    private_writing INTEGER NOT NULL DEFAULT 0,
    phase           TEXT NOT NULL DEFAULT 'ecriture',
    seq             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bloc_workshop ON bloc(workshop_id, position);

CREATE TABLE participant (
    id          INTEGER PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    token       TEXT NOT NULL UNIQUE,
    name        TEXT,
    role        TEXT NOT NULL DEFAULT 'participant',
    joined_at   TEXT NOT NULL,
    seq         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX participant_workshop ON participant(workshop_id, seq);

CREATE TABLE note (
    id             INTEGER PRIMARY KEY,
    workshop_id    TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    bloc_id        INTEGER NOT NULL REFERENCES bloc(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    column_id      TEXT,
    text           TEXT NOT NULL,
    client_id      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0,
    seq            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX note_workshop_seq ON note(workshop_id, seq);
CREATE INDEX note_bloc ON note(bloc_id);
-- A phone that resends a note after a drop gets the same note back.
CREATE UNIQUE INDEX note_client_id ON note(participant_id, client_id) WHERE client_id IS NOT NULL;
