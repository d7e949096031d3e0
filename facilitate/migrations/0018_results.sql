-- Issue 13: when the facilitator chooses, the atelier's join address shows a
-- read-only page of the synthesis and the ranking once every bloc is closed.
ALTER TABLE workshop ADD COLUMN results_public INTEGER NOT NULL DEFAULT 0;
