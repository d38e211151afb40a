-- Abuse guards and reconciliation.
--
-- `rate_events` is the sliding-window log behind the rate limits: one row per request or call
-- that a limit let through, under a bucket that is a keyed hash (HMAC-SHA-256 under
-- RATE_LIMIT_SECRET or CALLBACK_SECRET), never a plain number or address:
--   'n:<hash of the E.164 number>'  calls placed (attempted) to one number
--   'c:<hash of the client IP>'     POST /api/calls requests from one client
-- A row is inserted only by a statement that first counts the bucket's rows in the window, so
-- check-and-count is one SQLite statement (atomic: D1 runs statements one at a time). The cron
-- deletes rows older than the longest window.
CREATE TABLE rate_events (
  bucket  TEXT NOT NULL,
  -- Unix milliseconds.
  at      INTEGER NOT NULL
);

CREATE INDEX rate_events_bucket_at ON rate_events (bucket, at);

-- What happened to the connect request, for the operator: 'rejected: <HTTP status>', 'timeout',
-- 'network', 'upstream_5xx', 'garbage' (an answer that is not Exotel's), 'busy_429', or NULL
-- (placed, or not tried). `outcome` keeps the error code answered to the client.
ALTER TABLE calls ADD COLUMN failure TEXT;
