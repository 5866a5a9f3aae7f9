-- Whether a desk's sessions are recorded: always (the customer is told before and while), ask (only while the
-- customer allows 'record' on their agent), never. A desk without a row records always, as before this table.
CREATE TABLE recording_policies (
  desk_id INTEGER PRIMARY KEY REFERENCES desks (id) ON DELETE CASCADE,
  policy TEXT NOT NULL CHECK (policy IN ('always', 'ask', 'never'))
);
