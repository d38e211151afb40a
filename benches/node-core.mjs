// Speed of the npm package (pkg/, built by `make pkg`) in Node, beside the JS way of doing the
// same job, measured in this one process: the same body in, the same fields out.
//
//   parseCall, JSON            JSON.parse + mapping to the Call shape
//   parseCall, XML             fast-xml-parser + mapping; xml2js (the existing Exotel Node
//                              client's parser) + mapping
//   parseStatusCallback        URLSearchParams + mapping
//   connectRequest             by hand: a few string rules for E.164, URLSearchParams, btoa, URL
//
// Every parsing case runs twice: from a Uint8Array (what `await response.arrayBuffer()` gives),
// so each side pays for decoding it, and from a string (what `await response.text()` gives, and
// what most JS code holds), where the peers skip the decoding and the package encodes the text
// into wasm memory. connectRequest takes an options object, so it has one case. Before timing,
// each peer's output is checked against the package's, so the ratio compares equal work. The
// two sides of a case are sampled in turn (ours, peer, ours, ...) so a busy machine slows both
// alike; the figure is the median of the samples.
//
// Prints a Markdown table; with --json FILE also writes the figures there. Asserts no figure.
//
//   node benches/node-core.mjs [--json target/bench/node-core.json]

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

import { XMLParser } from 'fast-xml-parser';
import xml2js from 'xml2js';

import * as exotel from '../pkg/node.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 9);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 120);
const WARM_UP_MS = Number(process.env.BENCH_WARM_UP_MS ?? 300);

const fixture = (path) => new Uint8Array(readFileSync(new URL(`../tests/fixtures/${path}`, import.meta.url)));
const SEED_JSON = fixture('calls/seed.json');
const SEED_XML = fixture('calls/seed.xml');
const CALLBACK_FORM = fixture('callbacks/terminal.urlencoded');
const FORM_TYPE = 'application/x-www-form-urlencoded';

const decoder = new TextDecoder();
/** The body as text: a string is already text; bytes are decoded (UTF-8). */
const text = (body) => (typeof body === 'string' ? body : decoder.decode(body));

// ---- the JS peers -------------------------------------------------------------------------

const CALL_FIELDS = {
  sid: 'Sid', parentCallSid: 'ParentCallSid', dateCreated: 'DateCreated', dateUpdated: 'DateUpdated',
  accountSid: 'AccountSid', to: 'To', from: 'From', phoneNumberSid: 'PhoneNumberSid', status: 'Status',
  startTime: 'StartTime', endTime: 'EndTime', duration: 'Duration', price: 'Price', direction: 'Direction',
  answeredBy: 'AnsweredBy', forwardedFrom: 'ForwardedFrom', callerName: 'CallerName', uri: 'Uri',
  recordingUrl: 'RecordingUrl',
};
const CALL_ENTRIES = Object.entries(CALL_FIELDS);

/** Exotel's `Call` object (from JSON or a parsed XML tree) in the package's Call shape. */
function mapCall(raw) {
  if (raw === null || typeof raw !== 'object') throw new Error('expected a Call object');
  const call = {};
  for (const [name, wire] of CALL_ENTRIES) {
    const value = raw[wire];
    call[name] = value === undefined || value === null || value === '' ? null : value;
  }
  if (typeof call.sid !== 'string' || typeof call.status !== 'string') throw new Error('a Call needs Sid and Status');
  if (call.duration !== null) call.duration = Number(call.duration);
  if (call.price !== null) call.price = String(call.price);
  return call;
}

function jsonPeer(body) {
  const doc = JSON.parse(text(body));
  if (doc.RestException) throw new Error(doc.RestException.Message);
  return mapCall(doc.Call);
}

// Values stay strings (Exotel's Sids are hex: "80e1..." must not become a number).
const fxp = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: true });
function fastXmlPeer(body) {
  const doc = fxp.parse(text(body));
  const root = doc.TwilioResponse;
  if (root?.RestException) throw new Error(root.RestException.Message);
  return mapCall(root?.Call);
}

const xml2jsParser = new xml2js.Parser({ explicitArray: false });
function xml2jsPeer(body) {
  let doc;
  let error;
  // Synchronous with xml2js's default `async: false`.
  xml2jsParser.parseString(text(body), (e, result) => {
    error = e;
    doc = result;
  });
  if (error) throw error;
  const root = doc.TwilioResponse;
  if (root?.RestException) throw new Error(root.RestException.Message);
  return mapCall(root?.Call);
}

const CALLBACK_OPTIONAL = {
  eventType: 'EventType', dateCreated: 'DateCreated', to: 'To', from: 'From', phoneNumberSid: 'PhoneNumberSid',
  startTime: 'StartTime', endTime: 'EndTime', direction: 'Direction', customField: 'CustomField',
};
const CALLBACK_ENTRIES = Object.entries(CALLBACK_OPTIONAL);

function formPeer(body) {
  const form = new URLSearchParams(text(body));
  const callSid = form.get('CallSid');
  const status = form.get('Status');
  if (!callSid || !status) throw new Error('a status callback needs CallSid and Status');
  const callback = {
    callSid,
    status,
    recordingUrl: form.get('RecordingUrl') || null,
    dateUpdated: form.get('DateUpdated') || null,
  };
  for (const [name, wire] of CALLBACK_ENTRIES) {
    const value = form.get(wire);
    if (value) callback[name] = value;
  }
  const duration = form.get('ConversationDuration');
  if (duration) callback.conversationDuration = Number(duration);
  return callback;
}

const REGIONS = { mumbai: 'https://api.in.exotel.com', singapore: 'https://api.exotel.com' };
/** What a hand-written client does for Indian numbers: digits only, then +91. */
function e164India(input) {
  const digits = input.replace(/[\s\-().+]/g, '');
  if (!/^\d+$/.test(digits)) throw new Error(`not a phone number: ${input}`);
  if (digits.length === 10) return `+91${digits}`;
  if (digits.length === 11 && digits.startsWith('0')) return `+91${digits.slice(1)}`;
  if (digits.length === 12 && digits.startsWith('91')) return `+${digits}`;
  throw new Error(`not an Indian number: ${input}`);
}
function connectPeer(o) {
  const body = new URLSearchParams();
  body.set('From', e164India(o.from));
  body.set('CallerId', e164India(o.callerId));
  body.set('Url', `http://my.exotel.com/${o.accountSid}/exoml/start_voice/${o.appId}`);
  if (o.timeLimit !== undefined) body.set('TimeLimit', String(o.timeLimit));
  if (o.statusCallback !== undefined) body.set('StatusCallback', new URL(o.statusCallback).href);
  return {
    method: 'POST',
    url: new URL(`/v1/Accounts/${encodeURIComponent(o.accountSid)}/Calls/connect.json`, REGIONS[o.region]).href,
    headers: {
      Authorization: `Basic ${btoa(`${o.apiKey}:${o.apiToken}`)}`,
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: body.toString(),
  };
}

const CONNECT = {
  accountSid: 'acme',
  apiKey: 'api-key',
  apiToken: 'api-token',
  region: 'mumbai',
  from: '98765 43210',
  callerId: '08047112400',
  appId: '926',
  statusCallback: 'https://example.com/exotel/status/abc',
  timeLimit: 900,
};

// ---- the cases ----------------------------------------------------------------------------

/** A parsing case from bytes and from a string: the same job, the same figures' ids. */
function bothInputs({ what, bytes, ...rest }) {
  const str = decoder.decode(bytes);
  return [
    { ...rest, what, ours: () => rest.parse(bytes), theirs: () => rest.peerFn(bytes) },
    { ...rest, what: `${what}, from a string`, ours: () => rest.parse(str), theirs: () => rest.peerFn(str) },
  ];
}

const CASES = [
  ...bothInputs({
    id: 'parse_call_json',
    what: 'parseCall, JSON (seed.json)',
    peer: 'JSON.parse + mapping',
    bytes: SEED_JSON,
    parse: (body) => exotel.parseCall(body, 'application/json'),
    peerFn: jsonPeer,
  }),
  ...bothInputs({
    id: 'parse_call_xml_fxp',
    what: 'parseCall, XML (seed.xml)',
    peer: 'fast-xml-parser + mapping',
    bytes: SEED_XML,
    parse: (body) => exotel.parseCall(body, 'application/xml'),
    peerFn: fastXmlPeer,
  }),
  ...bothInputs({
    id: 'parse_call_xml_xml2js',
    what: 'parseCall, XML (seed.xml)',
    peer: 'xml2js + mapping',
    bytes: SEED_XML,
    parse: (body) => exotel.parseCall(body, 'application/xml'),
    peerFn: xml2jsPeer,
  }),
  ...bothInputs({
    id: 'parse_status_callback_urlencoded',
    what: 'parseStatusCallback, urlencoded',
    peer: 'URLSearchParams + mapping',
    bytes: CALLBACK_FORM,
    parse: (body) => exotel.parseStatusCallback(body, FORM_TYPE),
    peerFn: formPeer,
  }),
  {
    id: 'connect_request',
    what: 'connectRequest',
    peer: 'by hand: URLSearchParams + btoa + URL',
    ours: () => exotel.connectRequest(CONNECT),
    theirs: () => connectPeer(CONNECT),
  },
];

// ---- measuring ----------------------------------------------------------------------------

let sink;
/** Calls per second over about `ms` milliseconds of calling `fn` in batches. */
function rate(fn, ms) {
  let calls = 0;
  let batch = 64;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink = fn();
    calls += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 8) batch *= 2;
  }
  return (calls / elapsed) * 1000;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure({ ours, theirs }) {
  rate(ours, WARM_UP_MS);
  rate(theirs, WARM_UP_MS);
  const a = [];
  const b = [];
  for (let i = 0; i < SAMPLES; i++) {
    a.push(rate(ours, SAMPLE_MS));
    b.push(rate(theirs, SAMPLE_MS));
  }
  return { ours: median(a), peer: median(b) };
}

function checkEqualWork() {
  for (const c of CASES) {
    assert.deepEqual(c.theirs(), { ...c.ours() }, `${c.peer} does not give what ${c.what} gives`);
  }
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ratio = (ours, peer) => {
  const r = ours / peer;
  return r >= 1 ? `${r.toFixed(2)}× (ours faster)` : `${r.toFixed(2)}× (peer ${(1 / r).toFixed(1)}× faster)`;
};

checkEqualWork();
const results = [];
console.log('| Node: operation | ours (ops/s) | peer | peer (ops/s) | ours / peer |');
console.log('|---|---:|---|---:|---|');
for (const c of CASES) {
  const r = measure(c);
  results.push({ id: c.id, what: c.what, peer: c.peer, ours: r.ours, peerOps: r.peer });
  console.log(`| ${c.what} | ${fmt(r.ours)} | ${c.peer} | ${fmt(r.peer)} | ${ratio(r.ours, r.peer)} |`);
}
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  const file = process.argv[jsonAt + 1];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ node: process.version, results }, null, 2));
}
sink = undefined;
