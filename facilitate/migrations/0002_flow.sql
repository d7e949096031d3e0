-- The rhythm of an atelier: fondamentaux flag, countdowns on the server's
-- clock, "j'ai terminé", removable blocs, volunteers and team draws.
ALTER TABLE bloc ADD COLUMN fondamentaux INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
-- While running, the countdown ends at timer_ends_at (Unix seconds); while
-- paused or not started, timer_remaining seconds are left.
ALTER TABLE bloc ADD COLUMN timer_running INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN timer_ends_at REAL;
ALTER TABLE bloc ADD COLUMN timer_remaining REAL;

ALTER TABLE participant ADD COLUMN volunteer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workshop ADD COLUMN volunteering INTEGER NOT NULL DEFAULT 0;

CREATE TABLE done (
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    bloc_id        INTEGER NOT NULL REFERENCES bloc(id) ON DELETE CASCADE,
    PRIMARY KEY (participant_id, bloc_id)
);

CREATE TABLE draw (
    id          INTEGER PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
    mode        TEXT NOT NULL,
    team_size   INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

-- Drawn volunteers in draw order: `team` is NULL on the waiting list.
CREATE TABLE draw_member (
    draw_id        INTEGER NOT NULL REFERENCES draw(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    rank           INTEGER NOT NULL,
    team           INTEGER,
    status         TEXT NOT NULL DEFAULT 'pending',
    PRIMARY KEY (draw_id, participant_id)
);
