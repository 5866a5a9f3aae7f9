-- The session log search, a session's log.txt, the live sessions and the recordings used to need `org:read`;
-- they now need `sessions:read`. Tokens that hold `org:read` get `sessions:read` too, so none stops working.
UPDATE api_tokens SET scopes = json_insert(scopes, '$[#]', 'sessions:read')
WHERE EXISTS (SELECT 1 FROM json_each(api_tokens.scopes) WHERE value = 'org:read')
  AND NOT EXISTS (SELECT 1 FROM json_each(api_tokens.scopes) WHERE value = 'sessions:read');
