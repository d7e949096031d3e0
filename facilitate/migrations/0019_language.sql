-- The atelier's language ("fr" or "en"): its exports' fixed words (Word,
-- Markdown, CSV headers). Ateliers made before it were all in French.
ALTER TABLE workshop ADD COLUMN language TEXT NOT NULL DEFAULT 'fr';
