-- What the visitor told us besides the number, and numbers that expire.
--
-- Every attempt of a request carries its request's lead context (a second try copies it), so
-- the operator's list reads one row per attempt with no join.

-- The name the visitor gave, when the site asks for one (the operator searches by it).
ALTER TABLE calls ADD COLUMN lead_name TEXT;
-- The rest of the context, JSON, NULL when nothing was sent:
-- {"note", "page", "referrer", "utm": {"source", "medium", "campaign", "term", "content"},
--  "consent": {"given": true, "text"}}; only the members that were sent.
ALTER TABLE calls ADD COLUMN lead TEXT;
-- Unix ms when `phone` was cut down to its mask (MASK_AFTER_DAYS); NULL while it is whole.
ALTER TABLE calls ADD COLUMN masked_at INTEGER;

-- The client's address was never written (the limits keep only keyed hashes, in rate_events):
-- the column goes, so nothing can start keeping it.
DROP INDEX calls_client_created;
ALTER TABLE calls DROP COLUMN client_ip;

-- The operator's list and chart, and retention, walk calls by creation time.
CREATE INDEX calls_created ON calls (created_at);
