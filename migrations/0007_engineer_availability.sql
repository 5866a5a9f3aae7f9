-- Each engineer's status (what reaches them unasked: notifications, offers from colleagues, new work) and how many
-- live sessions they may hold at once. An engineer without a row is available with no limit, as before this table.
CREATE TABLE engineer_availability (
  engineer_id INTEGER PRIMARY KEY REFERENCES engineers (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'away', 'busy')),
  session_limit INTEGER CHECK (session_limit IS NULL OR session_limit BETWEEN 1 AND 50),
  status_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
