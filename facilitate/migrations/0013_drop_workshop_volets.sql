-- workshop.volets (JSON) has not been read since 0004 moved the volets to
-- their own table; drop it so nobody writes to it by mistake.
ALTER TABLE workshop DROP COLUMN volets;
