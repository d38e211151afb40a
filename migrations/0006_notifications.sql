-- Notifications: a transactional outbox, and each call's number as it may be shown.
--
-- An event (call.requested, call.answered, ...) is written to `outbox` by the same D1 batch that
-- changes the call, so an event exists exactly when its change does, and the visitor's request
-- waits for no receiver. Delivery (worker/src/notify/) happens after the response (`waitUntil`)
-- and from the cron, with backoff, until the receiver accepts or the tries run out.

-- The number masked (`+91******3210`), written with the call: what notifications, the
-- operator's list and exports show, and what `phone` becomes after MASK_AFTER_DAYS.
ALTER TABLE calls ADD COLUMN phone_masked TEXT;
UPDATE calls SET phone_masked =
  substr(phone, 1, 3) || replace(hex(zeroblob(length(phone) - 7)), '00', '*') || substr(phone, -4)
  WHERE length(phone) > 7;

CREATE TABLE outbox (
  -- The message id (`webhook-id`): the same on every try, so a receiver drops duplicates.
  -- `<call id>.<event>` for a call's events (each happens once per attempt), or
  -- `calls.paused.<hour>` (at most one an hour while a budget is reached).
  id            TEXT NOT NULL,
  -- 'webhook' (WEBHOOK_URL, Standard Webhooks) or 'slack' (SLACK_WEBHOOK_URL).
  target        TEXT NOT NULL,
  event         TEXT NOT NULL,
  -- The JSON body, fixed when the event happened: every try sends the same bytes. It holds the
  -- masked number only.
  payload       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  -- Tries made so far, and when the next is due (Unix ms).
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_at       INTEGER NOT NULL,
  -- A delivery in progress holds the row until then, so the cron and a request's `waitUntil`
  -- never send it at the same time.
  leased_until  INTEGER,
  delivered_at  INTEGER,
  -- Set when the tries ran out: the dead letter, kept for the operator with its last error.
  dead_at       INTEGER,
  last_error    TEXT,
  PRIMARY KEY (id, target)
);

CREATE INDEX outbox_due ON outbox (next_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
