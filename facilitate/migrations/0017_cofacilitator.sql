-- Issue 14: a co-facilitator invited by a link: their key opens a limited
-- co-animation view (timer, moderation, grouping); NULL: no invitation.
ALTER TABLE workshop ADD COLUMN cofacilitator_key TEXT;
