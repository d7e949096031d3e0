-- Regroupement and dot voting.
CREATE TABLE cluster (
    id          INTEGER PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    bloc_id     INTEGER NOT NULL REFERENCES bloc(id) ON DELETE CASCADE,
    label       TEXT NOT NULL,
    column_id   TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0,
    seq         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cluster_bloc ON cluster(bloc_id);
CREATE INDEX cluster_workshop_seq ON cluster(workshop_id, seq);

ALTER TABLE note ADD COLUMN cluster_id INTEGER REFERENCES cluster(id);

-- Who may group (the facilitator always), several dots on one item, and the
-- facilitator's own list of "grands fondamentaux retenus" (NULL: automatic).
ALTER TABLE bloc ADD COLUMN participants_group INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN vote_stacking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN retained TEXT;

-- One row per participant and item: `item` is "c<cluster id>" or "n<note id>".
CREATE TABLE vote (
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    bloc_id        INTEGER NOT NULL REFERENCES bloc(id) ON DELETE CASCADE,
    item           TEXT NOT NULL,
    dots           INTEGER NOT NULL,
    PRIMARY KEY (participant_id, bloc_id, item)
);
CREATE INDEX vote_bloc ON vote(bloc_id);

-- Grouping states to go back to ("annuler"), newest last.
CREATE TABLE grouping_undo (
    id       INTEGER PRIMARY KEY,
    bloc_id  INTEGER NOT NULL REFERENCES bloc(id) ON DELETE CASCADE,
    snapshot TEXT NOT NULL
);
