-- The synthesis "en quatre volets": volets hold actions, each with its
-- "Soutien" and the clusters or notes it came from (JSON {"clusters", "notes"}).
-- The synthesis is small: any change marks workshop.synthesis_seq and the
-- staff screens receive it whole, so rows need no seq or tombstone of their own.
CREATE TABLE volet (
    id          INTEGER PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL
);
CREATE INDEX volet_workshop ON volet(workshop_id, position);

CREATE TABLE action (
    id          INTEGER PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    volet_id    INTEGER NOT NULL REFERENCES volet(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    soutien     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX action_volet ON action(volet_id, position);

ALTER TABLE workshop ADD COLUMN synthesis_seq INTEGER NOT NULL DEFAULT 0;

-- Ateliers created before this migration kept their volet titles in
-- workshop.volets (JSON); that column is no longer read.
INSERT INTO volet (workshop_id, position, title)
    SELECT workshop.id, CAST(json_each.key AS INTEGER), json_each.value
    FROM workshop, json_each(workshop.volets);
UPDATE workshop SET synthesis_seq = seq, volets = '[]';
