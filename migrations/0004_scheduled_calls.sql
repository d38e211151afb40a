-- Calls at a chosen time, calls asked for while closed, and second tries.
--
-- A visitor's request is one `request_id` (the id the page holds: the first attempt's own id);
-- each attempt at calling is a row of its own (`attempt` 1, 2, ...), with its own callback token
-- and Exotel Sid, so everything that settles one call settles it for its attempt alone.
-- A row waiting for its time has status 'scheduled' (rank 5) and outcome 'scheduled'; the cron
-- claims it with a conditional update, so two runs never place it twice.
ALTER TABLE calls ADD COLUMN request_id TEXT;
ALTER TABLE calls ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
-- Unix ms the call is due; NULL for calls placed at once.
ALTER TABLE calls ADD COLUMN scheduled_for INTEGER;
-- Unix ms the connect request was (or was about to be) sent: reconciliation's clock.
ALTER TABLE calls ADD COLUMN placed_at INTEGER;
-- Where Exotel should send the callback of a call placed later by the cron (an origin, as the
-- request that asked for it came in or PUBLIC_BASE_URL).
ALTER TABLE calls ADD COLUMN callback_base TEXT;
UPDATE calls SET request_id = id, placed_at = created_at;

CREATE UNIQUE INDEX calls_request_attempt ON calls (request_id, attempt);
CREATE INDEX calls_due ON calls (scheduled_for) WHERE status = 'scheduled';
DROP INDEX calls_open_visit;
CREATE INDEX calls_open_visit ON calls (status_rank, refreshed_at, placed_at);
