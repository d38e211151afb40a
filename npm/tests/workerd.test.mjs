// The installed package inside workerd (Cloudflare Workers' runtime, through Miniflare): bundled
// the way wrangler bundles a Worker (esbuild, the `workerd` export condition, the .wasm kept as a
// compiled-wasm module), every check in support/checks.mjs run inside the Worker, and connect()
// from the Worker to the mock Exotel on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import { loadFixtures } from './support/fixtures.mjs';
import { consumerDir } from './support/consumer.mjs';
import { startMockExotel } from '../../tests/support/mock-exotel.mjs';

const dir = consumerDir();
const data = loadFixtures();
const checksPath = fileURLToPath(new URL('./support/checks.mjs', import.meta.url));

const WORKER = `
import * as exotel from "exotel-connect";
import { checks } from ${JSON.stringify(checksPath)};
export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/checks") {
      const results = checks(await request.json()).map((check) => {
        try { check.run(exotel); return { name: check.name }; }
        catch (e) { return { name: check.name, error: String(e && e.stack || e) }; }
      });
      return Response.json(results);
    }
    if (pathname === "/connect") {
      try { return Response.json({ call: await exotel.connect(await request.json()) }); }
      catch (e) { return Response.json({ error: { name: e.name, code: e.code, status: e.status, message: e.message } }); }
    }
    return new Response("not found", { status: 404 });
  },
};`;

let mf;
let exotel;

before(async () => {
  const out = join(dir, 'dist-workerd');
  const result = await esbuild.build({
    stdin: { contents: WORKER, resolveDir: dir },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'],
    outfile: join(out, 'worker.mjs'), external: ['*.wasm'],
  });
  const source = result.outputFiles[0].text;
  assert.match(source, /from "\.\/exotel_connect_bg\.wasm"/, 'the workerd entry was picked');
  mf = new Miniflare({
    compatibilityDate: '2026-01-01',
    modulesRoot: out,
    modules: [
      { type: 'ESModule', path: join(out, 'worker.mjs'), contents: source },
      { type: 'CompiledWasm', path: join(out, 'exotel_connect_bg.wasm'),
        contents: readFileSync(join(dir, 'node_modules/exotel-connect/exotel_connect_bg.wasm')) },
    ],
  });
  await mf.ready;
  exotel = await startMockExotel();
});

after(async () => {
  await mf?.dispose();
  await exotel?.stop();
});

test('workerd: every check passes inside the Worker', async (t) => {
  const response = await mf.dispatchFetch('http://worker/checks', { method: 'POST', body: JSON.stringify(data) });
  const results = await response.json();
  assert.ok(results.length > 100, `only ${results.length} checks ran`);
  for (const r of results) {
    await t.test(r.name, () => {
      if (r.error) throw new Error(r.error);
    });
  }
});

test('workerd: connect() reaches the mock Exotel with the runtime\'s fetch', async () => {
  const options = {
    accountSid: exotel.accountSid, apiKey: exotel.apiKey, apiToken: exotel.apiToken, baseUrl: exotel.url,
    from: '098765 43210', callerId: '080 4711 2400', appId: '926',
  };
  const ok = await (await mf.dispatchFetch('http://worker/connect', { method: 'POST', body: JSON.stringify(options) })).json();
  assert.equal(ok.call?.sid, exotel.connects().at(-1)?.sid, JSON.stringify(ok));
  assert.equal(ok.call.from, '+919876543210');
  exotel.failNext({ status: 403, message: 'NDNC' });
  const refused = await (await mf.dispatchFetch('http://worker/connect', { method: 'POST', body: JSON.stringify(options) })).json();
  assert.deepEqual(refused.error, {
    name: 'ExotelConnectError', code: 'exotel_error', status: 403, message: 'Exotel answered 403: NDNC',
  });
});
