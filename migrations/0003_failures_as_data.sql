-- What a repeated request (same Idempotency-Key) must answer again, stored as data rather than
-- written into a sentence: Exotel's HTTP status for a refusal, and the seconds Exotel asked us
-- to wait for a rate-limited one. `failure` keeps only the kind ('rejected', 'busy_429',
-- 'timeout', 'network', 'upstream_5xx', 'garbage').
ALTER TABLE calls ADD COLUMN upstream_status INTEGER;
ALTER TABLE calls ADD COLUMN retry_after INTEGER;
UPDATE calls SET upstream_status = CAST(substr(failure, 11) AS INTEGER), failure = 'rejected'
  WHERE failure LIKE 'rejected: %';

-- The cron visits open calls least recently looked at first; a call it could not ask Exotel
-- about is marked looked-at too, so it moves to the back and never starves the others.
CREATE INDEX calls_open_visit ON calls (status_rank, refreshed_at, created_at);
