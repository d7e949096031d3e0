-- Counting an atelier's participants (seats at each join, the large-room
-- threshold of each participant's patch) reads this index alone.
CREATE INDEX participant_workshop_role ON participant(workshop_id, role);
