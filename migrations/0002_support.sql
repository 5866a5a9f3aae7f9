-- Attended support: portal settings, customer identification fields, requests/sessions, access codes, session log.

CREATE TABLE portal_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  notice TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL DEFAULT '',
  welcome_message TEXT NOT NULL DEFAULT 'Hello, thanks for waiting. How can I help?',
  survey_url TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO portal_settings (id) VALUES (1);

-- Four configurable customer identification fields (slot 1..4).
CREATE TABLE identity_fields (
  slot INTEGER PRIMARY KEY CHECK (slot BETWEEN 1 AND 4),
  shown INTEGER NOT NULL DEFAULT 0 CHECK (shown IN (0, 1)),
  required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  label TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'text' CHECK (type IN ('text', 'email', 'phone', 'number')),
  max_length INTEGER NOT NULL DEFAULT 100 CHECK (max_length BETWEEN 1 AND 500),
  pattern TEXT NOT NULL DEFAULT '',
  crm_url TEXT NOT NULL DEFAULT ''
);
INSERT INTO identity_fields (slot, shown, required, label, type, max_length) VALUES
  (1, 1, 1, 'Name', 'text', 100),
  (2, 1, 0, 'E-mail', 'email', 200),
  (3, 0, 0, 'Phone', 'phone', 40),
  (4, 0, 0, 'Customer number', 'text', 40);

-- A request for help; once taken it is a live session, and it ends.
CREATE TABLE support_sessions (
  id INTEGER PRIMARY KEY,
  desk_id INTEGER REFERENCES desks (id) ON DELETE SET NULL, -- NULL: the generic portal button, every desk sees it
  channel TEXT NOT NULL CHECK (channel IN ('chat', 'remote')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'waiting-code', 'active', 'ended')),
  owner_id INTEGER REFERENCES engineers (id) ON DELETE SET NULL,
  customer_fields TEXT NOT NULL DEFAULT '{}', -- JSON {"1": "...", ...}
  customer_token_hash TEXT UNIQUE,
  customer_address TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  taken_at TEXT,
  ended_at TEXT,
  notes TEXT NOT NULL DEFAULT '' -- the engineers' notes, shown in the customer's history next time
);
CREATE INDEX support_sessions_queue ON support_sessions (status, desk_id);
CREATE INDEX support_sessions_owner ON support_sessions (owner_id, status);

-- Engineers in a session besides the owner, and who watches it.
CREATE TABLE session_participants (
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'engineer', 'supervisor')),
  joined_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  left_at TEXT,
  PRIMARY KEY (session_id, engineer_id, joined_at)
);

CREATE TABLE canned_replies (
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL
);

CREATE TABLE common_urls (
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL
);

CREATE TABLE survey_responses (
  session_id INTEGER PRIMARY KEY REFERENCES support_sessions (id) ON DELETE CASCADE,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  solved INTEGER CHECK (solved IN (0, 1)),
  comment TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- 6-digit codes an engineer reads over the phone; stored hashed, single use, expiring.
CREATE TABLE access_codes (
  code_hash TEXT PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  engineer_id INTEGER NOT NULL REFERENCES engineers (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- Everything that happens in a session, in order: chat, operations (allowed or refused), joins and leaves.
CREATE TABLE session_log (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  actor TEXT NOT NULL, -- 'engineer:<id>', 'customer', 'system', 'agent'
  kind TEXT NOT NULL,  -- 'chat', 'operation', 'join', 'leave', 'status'
  text TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX session_log_by_session ON session_log (session_id, id);

-- Outside experts: a one-time link for one session; they prove who they are with a code e-mailed to the
-- invited address or a password the inviter set. Never an owner; gone when no engineer remains.
CREATE TABLE expert_invitations (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  inviter_id INTEGER REFERENCES engineers (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  method TEXT NOT NULL CHECK (method IN ('email-code', 'password')),
  password_hash TEXT,
  link_hash TEXT NOT NULL UNIQUE,
  code_hash TEXT,
  code_expires_at TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE expert_logins (
  token_hash TEXT PRIMARY KEY,
  invitation_id INTEGER NOT NULL REFERENCES expert_invitations (id) ON DELETE CASCADE,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX expert_logins_by_session ON expert_logins (session_id);

-- Files moved in a session, stored under <data>/files/<session>/<id>; `received` only grows after the bytes are
-- on disk (fsync), so an interrupted upload resumes from there and a crash loses nothing acknowledged.
CREATE TABLE session_files (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('to-customer', 'from-customer')),
  uploader TEXT NOT NULL, -- 'engineer:<id>' or 'customer'
  name TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'complete', 'failed')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  completed_at TEXT
);
CREATE INDEX session_files_by_session ON session_files (session_id, id);
