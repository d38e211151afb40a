// What each endpoint costs in round trips while the caller waits: to D1 (in production each is
// a network hop to the database) and to Exotel. tests/worker/round-trips.test.mjs asserts these
// counts against the running Worker, and benches/report.mjs prints them in BENCHMARKS.md, so
// the two cannot disagree.

export const ROUND_TRIPS = {
  create: {
    what: 'POST /api/calls',
    d1: 2,
    exotel: 1,
    why: "admit and store the call in one batch; record Exotel's answer",
  },
  repeat: {
    what: 'POST /api/calls, the same Idempotency-Key again',
    d1: 2,
    exotel: 0,
    why: 'the key is refused, then the first request is read',
  },
  later: {
    what: 'POST /api/calls for a later time',
    d1: 1,
    exotel: 0,
    why: 'only stored: the cron places it',
  },
  poll: {
    what: 'GET /api/calls/{id}, no refresh due',
    d1: 1,
    exotel: 0,
    why: 'one read',
  },
  refresh: {
    what: 'GET /api/calls/{id}, a Call Details refresh due',
    d1: 3,
    d1WhenChanged: 4,
    exotel: 1,
    why: 'read, claim the refresh, record what Call Details said; read again when it changed the call',
  },
  callback: {
    what: 'POST /exotel/status/{token}',
    d1: 1,
    exotel: 0,
    why: 'one batch, also when it adopts the Sid of a call whose answer was lost',
  },
};
