// The built Worker (build/index.js) with its D1 binding counted: every round trip to the
// database (`batch`, `exec`, and a statement's `first`, `all`, `run`, `raw`) made while a request
// is answered is reported in the response's `x-d1-round-trips` header. Work left for after the
// response (`waitUntil`) is not the visitor's wait and is not counted.
//
//   startWorker({ main: COUNTING_WORKER, vars })   // tests/support/worker.mjs
//
// It also keeps every SQL text the Worker prepares, and `GET /__explain` answers each with
// SQLite's query plan (`EXPLAIN QUERY PLAN`, run on the same database), so a test can check that
// every statement the Worker runs finds its rows through an index.
//
// Nothing in the Worker knows about it: the tests count what production would do.

import worker from '../../build/index.js';

const ROUND_TRIPS = new Set(['first', 'all', 'run', 'raw']);

/** Every SQL text prepared so far, in the order first seen. */
const seenSql = new Set();

/** `db` with each round trip added to `counter.n`. */
function counted(db, counter) {
  const real = new WeakMap();
  const wrap = (statement) => {
    const proxy = new Proxy(statement, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (typeof value !== 'function' || name === 'constructor') return value;
        if (name === 'bind') return (...args) => wrap(value.apply(target, args));
        if (ROUND_TRIPS.has(name)) {
          return (...args) => {
            counter.n += 1;
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
    real.set(proxy, statement);
    return proxy;
  };
  return new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      // workers-rs checks the binding's class by its constructor's name.
      if (typeof value !== 'function' || name === 'constructor') return value;
      if (name === 'prepare') {
        return (sql) => {
          seenSql.add(sql);
          return wrap(value.call(target, sql));
        };
      }
      if (name === 'batch') {
        return (statements) => {
          counter.n += 1;
          return value.call(target, statements.map((s) => real.get(s) ?? s));
        };
      }
      if (name === 'exec') {
        return (sql) => {
          counter.n += 1;
          return value.call(target, sql);
        };
      }
      return value.bind(target);
    },
  });
}

/** `[{ sql, plan: [detail, ...] }]` for every statement seen, parameters bound to NULL. */
async function explainAll(db) {
  const plans = [];
  for (const sql of seenSql) {
    const params = Math.max(0, ...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
    try {
      const rows = await db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...Array(params).fill(null))
        .all();
      plans.push({ sql, plan: rows.results.map((r) => r.detail) });
    } catch (e) {
      plans.push({ sql, error: String(e) });
    }
  }
  return plans;
}

export default {
  async fetch(request, realEnv, ctx) {
    if (new URL(request.url).pathname === '/__explain') {
      return Response.json(await explainAll(realEnv.DB));
    }
    const counter = { n: 0 };
    const env = { ...realEnv, DB: counted(realEnv.DB, counter) };
    const response = await worker.fetch(request, env, ctx);
    const counts = counter.n;
    const out = new Response(response.body, response);
    out.headers.set('x-d1-round-trips', String(counts));
    return out;
  },

  /** The cron, uncounted (no visitor waits for it), its statements kept for `/__explain`. */
  async scheduled(controller, realEnv, ctx) {
    const env = { ...realEnv, DB: counted(realEnv.DB, { n: 0 }) };
    return worker.scheduled(controller, env, ctx);
  },
};
