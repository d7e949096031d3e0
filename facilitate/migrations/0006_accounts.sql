-- Hosted mode: facilitator accounts, who owns which atelier, and the room's
-- Wi-Fi (for the projector's second QR code). Separate tables keep the
-- laptop's workshop rows unchanged.
CREATE TABLE account (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    -- Changes with the password: every session made before is refused.
    session_token TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE workshop_owner (
    workshop_id TEXT PRIMARY KEY REFERENCES workshop(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE
);
CREATE INDEX workshop_owner_account ON workshop_owner(account_id);

CREATE TABLE workshop_wifi (
    workshop_id TEXT PRIMARY KEY REFERENCES workshop(id) ON DELETE CASCADE,
    ssid        TEXT NOT NULL,
    password    TEXT NOT NULL DEFAULT '',
    security    TEXT NOT NULL DEFAULT 'WPA'
);
