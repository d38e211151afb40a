-- The operator's side: dashboard sessions and the log of numbers shown in full.
--
-- A session is signed in with ADMIN_TOKEN (POST /api/admin/session). The cookie carries the
-- session's id, its expiry and an HMAC under a key derived from ADMIN_TOKEN; this row is what
-- makes signing out real: a revoked (or unknown) id is refused even with a good MAC. Rotating
-- ADMIN_TOKEN changes the key, which ends every session at once.
CREATE TABLE admin_sessions (
  -- 128 random bits, base64url: the cookie's id.
  id          TEXT PRIMARY KEY NOT NULL,
  -- Unix ms.
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  -- Unix ms of the sign-out; NULL while the session is live.
  revoked_at  INTEGER
);

-- Every time the dashboard showed a call's full number: who asked (`token`, `session:<id
-- prefix>` or `access:<email>`), for which call, when. The number itself is never written here.
CREATE TABLE admin_reveals (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id     TEXT NOT NULL,
  operator    TEXT NOT NULL,
  -- Unix ms.
  at          INTEGER NOT NULL
);

CREATE INDEX admin_reveals_call ON admin_reveals (call_id, at);
