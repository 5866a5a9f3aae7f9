-- Live desktop: join tokens that bind an agent to a support session.

-- An agent joins a session with a token handed out by an engineer of the session or by its customer. Stored only as
-- a SHA-256 hash; valid until expires_at and only while the session has not ended. Several tokens may exist for
-- one session (each request issues a new one); the server lets at most one agent socket per session be live.
CREATE TABLE agent_join_tokens (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  issued_by TEXT NOT NULL, -- 'engineer:<id>' or 'customer'
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX agent_join_tokens_session ON agent_join_tokens (session_id);
