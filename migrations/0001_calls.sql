-- Calls placed through the Worker, and every status observed for them.
--
-- `calls` holds the current state of each call; `call_events` is the append-only log of what was
-- observed (the connect answer, status callbacks, Call Details refreshes). Both are written
-- together by one code path (worker/src/store/calls.rs) in one D1 batch, so the current state is
-- always explained by the log.

CREATE TABLE calls (
  -- Opaque handle given to the browser: 128 random bits, base64url. Never the Exotel Sid.
  id              TEXT PRIMARY KEY NOT NULL,
  -- 'live' (real Exotel or a mock) or 'sandbox' (the built-in simulator).
  mode            TEXT NOT NULL CHECK (mode IN ('live', 'sandbox')),
  -- The number called, E.164. Operator-only: never sent to a browser.
  phone           TEXT NOT NULL,
  -- Exotel's CallSid, once Exotel accepted the call.
  exotel_sid      TEXT,
  -- Current status as the page sees it (Exotel's wire strings, plus 'unknown').
  status          TEXT NOT NULL,
  -- Order of `status` (worker/src/status.rs): a status is only ever replaced by a higher rank, so a late
  -- non-terminal event never overwrites a terminal one.
  status_rank     INTEGER NOT NULL,
  -- How placing the call went: 'placing' (request in flight or lost), 'placed', or the error
  -- code answered to the browser ('exotel_rejected', 'upstream_unavailable', 'upstream_busy').
  outcome         TEXT NOT NULL DEFAULT 'placing',
  -- Operator-only detail of a failure (Exotel's own message, which may contain the number).
  error_detail    TEXT,
  -- Seconds, once Exotel reports them.
  duration        INTEGER,
  recording_url   TEXT,
  -- For the abuse guards (rate limits per client and per number, Idempotency-Key).
  client_ip       TEXT,
  idempotency_key TEXT,
  -- Unix milliseconds.
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  -- Last Call Details refresh (throttles refreshes triggered by page polls and reconciliation).
  refreshed_at    INTEGER
);

CREATE UNIQUE INDEX calls_exotel_sid ON calls (exotel_sid) WHERE exotel_sid IS NOT NULL;
CREATE UNIQUE INDEX calls_idempotency_key ON calls (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX calls_phone_created ON calls (phone, created_at);
CREATE INDEX calls_client_created ON calls (client_ip, created_at);
CREATE INDEX calls_open ON calls (status_rank, created_at);

CREATE TABLE call_events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id      TEXT NOT NULL REFERENCES calls (id),
  -- 'connect' (Exotel's answer to the connect request), 'callback', 'details', 'reconcile'.
  source       TEXT NOT NULL,
  status       TEXT NOT NULL,
  -- What else the observation carried (duration, recording URL, Exotel's DateUpdated), JSON.
  detail       TEXT,
  -- Identity of the observation: a repeated callback has the same key and is not logged twice.
  dedupe_key   TEXT NOT NULL,
  -- 1 when this observation changed the call's current state.
  applied      INTEGER NOT NULL,
  received_at  INTEGER NOT NULL
);

CREATE UNIQUE INDEX call_events_dedupe ON call_events (call_id, dedupe_key);
CREATE INDEX call_events_call ON call_events (call_id, id);
