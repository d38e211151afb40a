// Mock notification receivers on 127.0.0.1, for the Worker's tests:
//
//   const hook = await startWebhookReceiver({ secret, failFirst: 2 });
//   hook.url            // for WEBHOOK_URL
//   hook.deliveries     // every POST: { id, timestamp, headers, body, verified, status }
//   hook.accepted()     // the events it accepted (2xx), verified and parsed, duplicates dropped
//   hook.holdNext()     // the next delivery waits for hook.release() before it is answered
//   const slack = await startSlackReceiver();
//   slack.messages      // every { text } posted
//
// The webhook receiver verifies each delivery with the Standard Webhooks reference library
// (`standardwebhooks`, what a business's receiver would use), answers 401 to one that does not
// verify, answers 503 to the first `failFirst` deliveries, and drops a message id it already
// accepted, as the specification asks receivers to.
//
// Each receiver is listed for the privacy scan that ends every Worker suite
// (support/transcript.mjs): every payload it was sent, headers and body, is searched there.

import http from 'node:http';

import { Webhook } from 'standardwebhooks';

import { receivers } from './transcript.mjs';

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A receiver of Standard Webhooks signed with `secret` (`whsec_...`). */
export async function startWebhookReceiver({ secret, failFirst = 0 } = {}) {
  const verifier = new Webhook(secret);
  const deliveries = [];
  const seen = new Map();
  let failuresLeft = failFirst;
  let holding = false;
  let releaseHeld = () => {};
  const server = await listen(async (req, res) => {
    if (holding) {
      holding = false;
      const pending = { id: req.headers['webhook-id'], held: true, status: 0 };
      deliveries.push(pending);
      await new Promise((resolve) => (releaseHeld = resolve));
      deliveries.splice(deliveries.indexOf(pending), 1);
    }
    const body = await readBody(req);
    const delivery = {
      id: req.headers['webhook-id'],
      timestamp: req.headers['webhook-timestamp'],
      headers: req.headers,
      body,
      verified: false,
      duplicate: false,
      status: 0,
    };
    deliveries.push(delivery);
    let event;
    try {
      event = verifier.verify(body, {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      });
      delivery.verified = true;
    } catch {
      delivery.status = 401;
      res.writeHead(401).end('bad signature');
      return;
    }
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      delivery.status = 503;
      res.writeHead(503).end('down for maintenance');
      return;
    }
    delivery.duplicate = seen.has(delivery.id);
    if (!delivery.duplicate) seen.set(delivery.id, event);
    delivery.status = 204;
    res.writeHead(204).end();
  });
  receivers.push({
    name: 'webhook',
    payloads: () => deliveries.filter((d) => !d.held).map((d) => ({ headers: JSON.stringify(d.headers), body: d.body })),
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/exotel`,
    deliveries,
    /** Verified, accepted events by message id (each once). */
    accepted: () => [...seen.entries()].map(([id, event]) => ({ id, ...event })),
    /** Fails the next `n` deliveries with 503. */
    failNext(n) {
      failuresLeft = n;
    },
    /** Holds the next delivery unanswered until release(). */
    holdNext() {
      holding = true;
    },
    release: () => releaseHeld(),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A Slack incoming webhook: records each message's JSON. */
export async function startSlackReceiver() {
  const messages = [];
  const received = [];
  receivers.push({ name: 'Slack', payloads: () => received });
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    received.push({ headers: JSON.stringify(req.headers), body });
    try {
      messages.push(JSON.parse(body));
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    } catch {
      res.writeHead(400).end('invalid_payload');
    }
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/services/T000/B000/XXXX`,
    messages,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Waits until `check()` is truthy (deliveries happen after the response). */
export async function eventually(check, { timeoutMs = 10_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
