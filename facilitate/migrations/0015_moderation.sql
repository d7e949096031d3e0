-- Issue 14: moderation, identity modes, notes from paper.
-- identity: 'named' (names shown), 'pseudonym' (names seen by the staff only,
-- never exported), 'anonymous' (no name kept or shown).
ALTER TABLE workshop ADD COLUMN identity TEXT NOT NULL DEFAULT 'named';
-- hidden: by the facilitator (out of every participant and projector screen,
-- votes and exports); pending: waiting for the facilitator ("validation avant
-- affichage"); paper: typed in by the animation from a paper sticky note.
ALTER TABLE note ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE note ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE note ADD COLUMN paper INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN moderated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participant ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
