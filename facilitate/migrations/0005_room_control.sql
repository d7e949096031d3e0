-- The facilitator can close an atelier to new arrivals and remove a
-- participant (a flood, a troll): the row stays for the notes it wrote, but
-- its token no longer opens the atelier.
ALTER TABLE workshop ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participant ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
