// Helpers for the operator's tests (tests/worker/admin.test.mjs, tests/browser/admin.test.mjs):
// session cookies minted the way the Worker mints them, a stand-in for Cloudflare Access's
// keys endpoint with JWTs signed by a key made here, a strict CSV reader, and calls stored
// straight into D1 with known dates and outcomes.

import { createHmac, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import { useNumber } from './numbers.mjs';

/** What the cookie's signing key is derived with (worker/src/operator/cookie.rs). */
export const SESSION_KEY_CONTEXT = 'exotel-connect/admin-session/v1';

/** A cookie value `v1.<id>.<expires>.<mac>` for session `id`, signed under `adminToken`. */
export function sessionCookie(adminToken, { id = randomBytes(16).toString('base64url'), expiresS }) {
  const key = createHmac('sha256', adminToken).update(SESSION_KEY_CONTEXT).digest();
  const mac = createHmac('sha256', key).update(`v1.${id}.${expiresS}`).digest('base64url');
  return `v1.${id}.${expiresS}.${mac}`;
}

/** The `exotel_admin` value in a response's Set-Cookie, or undefined. */
export function cookieFrom(setCookie) {
  return /(?:^|,\s*)exotel_admin=([^;]*)/.exec(setCookie ?? '')?.[1];
}

/**
 * A stand-in for `https://<team>.cloudflareaccess.com/cdn-cgi/access/certs` on 127.0.0.1, with
 * one RSA key (kid `k1`), and `sign(claims, { kid, key })` to make assertions like Access's.
 * `otherKey` is a key the endpoint does not list.
 */
export async function startAccessKeys() {
  const made = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const own = made();
  const otherKey = made().privateKey;
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/cdn-cgi/access/certs') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    const jwk = { ...own.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk], public_cert: { kid: 'k1', cert: 'unused' } }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    origin,
    otherKey,
    fetches: () => fetches,
    /** An RS256 JWT of `claims` (iss defaults to this endpoint's origin). */
    sign(claims, { kid = 'k1', key = own.privateKey, alg = 'RS256' } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const body = { iss: origin, iat: now, nbf: now - 5, exp: now + 600, ...claims };
      const data = `${b64({ alg, kid, typ: 'JWT' })}.${b64(body)}`;
      const signature = createSign('RSA-SHA256').update(data).sign(key).toString('base64url');
      return `${data}.${signature}`;
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/**
 * Reads RFC 4180 CSV strictly: quoted fields with doubled quotes, CRLF records. Throws on a
 * stray quote or an unterminated field, so a broken export cannot pass as a parsed one.
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || row.length) throw new Error('the last record has no CRLF');
  return rows;
}

/** A fresh call id (the shape the Worker issues). */
export const newId = () => randomBytes(16).toString('base64url');

const sql = (value) => (value === null || value === undefined ? 'NULL'
  : typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);

const RANKS = { scheduled: 5, queued: 10, ringing: 20, 'in-progress': 30, unknown: 40 };

/**
 * One INSERT per call (attempt 1 of its own request), for `worker.query`. Each call:
 * { id, phone, status, outcome, at (ms), name, lead (object), duration, failure, maskedAt,
 *   scheduledFor }.
 */
export function insertCalls(calls) {
  return calls.map((c) => {
    // Stored straight into D1: the privacy scan must look for it all the same.
    useNumber(c.phone);
    const cols = {
      id: c.id, request_id: c.id, attempt: 1, mode: 'live', phone: c.phone, status: c.status,
      status_rank: RANKS[c.status] ?? 50, outcome: c.outcome ?? 'placed', duration: c.duration ?? null,
      failure: c.failure ?? null, created_at: c.at, updated_at: c.at, placed_at: c.at,
      scheduled_for: c.scheduledFor ?? null, lead_name: c.name ?? null,
      lead: c.lead ? JSON.stringify(c.lead) : null, masked_at: c.maskedAt ?? null,
    };
    return `INSERT INTO calls (${Object.keys(cols).join(', ')}) VALUES (${Object.values(cols).map(sql).join(', ')});`;
  }).join('\n');
}
