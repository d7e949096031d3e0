-- draw.created_at was written and never read (the latest draw is the one with
-- the highest id); participant.joined_at stays: retention reads it.
ALTER TABLE draw DROP COLUMN created_at;
