-- Issue 14: sub-group tables. An atelier has `tables` tables (0: none), chosen
-- by participants from a list when `tables_choice`; a participant sits at one
-- (`table_no`) and may be its rapporteur. A bloc run `by_table` shows each
-- table only its own notes until the facilitator brings them together
-- (`plenary`); notes and groups keep their table as a tag.
ALTER TABLE workshop ADD COLUMN tables INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workshop ADD COLUMN tables_choice INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participant ADD COLUMN table_no INTEGER;
ALTER TABLE participant ADD COLUMN rapporteur INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN by_table INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bloc ADD COLUMN plenary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE note ADD COLUMN table_no INTEGER;
ALTER TABLE cluster ADD COLUMN table_no INTEGER;
ALTER TABLE cluster ADD COLUMN rank INTEGER;
