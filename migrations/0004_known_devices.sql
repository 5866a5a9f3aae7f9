-- Browsers that signed in successfully (OWASP's device cookie): a failed sign-in from one of them is counted
-- against that browser only, so an attacker elsewhere cannot keep the account's owner out. Only a SHA-256 of the
-- cookie value is stored.
CREATE TABLE known_devices (
  token_hash TEXT PRIMARY KEY,
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX known_devices_by_engineer ON known_devices (engineer_id, created_at);
