-- Organisation, engineers and access. Times are ISO 8601 UTC text.

CREATE TABLE provider (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL DEFAULT 'Tessera',
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  logo BLOB,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO provider (id) VALUES (1);

CREATE TABLE desks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX desks_one_default ON desks (is_default) WHERE is_default = 1;
INSERT INTO desks (name, description, is_default) VALUES ('General', 'Default service desk', 1);

CREATE TABLE stations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX stations_one_default ON stations (is_default) WHERE is_default = 1;
INSERT INTO stations (name, description, is_default) VALUES ('Main', 'Default service station', 1);

CREATE TABLE engineers (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'engineer')),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  nickname TEXT NOT NULL DEFAULT '',
  signature TEXT NOT NULL DEFAULT '',
  avatar BLOB,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE engineer_desks (
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  desk_id INTEGER NOT NULL REFERENCES desks (id) ON DELETE CASCADE,
  PRIMARY KEY (engineer_id, desk_id)
);
CREATE INDEX engineer_desks_by_desk ON engineer_desks (desk_id);

CREATE TABLE engineer_stations (
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  station_id INTEGER NOT NULL REFERENCES stations (id) ON DELETE CASCADE,
  PRIMARY KEY (engineer_id, station_id)
);
CREATE INDEX engineer_stations_by_station ON engineer_stations (station_id);

-- Console logins. Only a SHA-256 of the cookie value is stored.
CREATE TABLE login_sessions (
  token_hash TEXT PRIMARY KEY,
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX login_sessions_by_engineer ON login_sessions (engineer_id);

-- Failed logins per key ('user:<name>' or 'ip:<address>') within the current window.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_started_at TEXT NOT NULL,
  locked_until TEXT
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL, -- JSON array of scope names
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_by_engineer ON api_tokens (engineer_id);
