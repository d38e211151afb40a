// What `wrangler deploy` would upload, from the repository's wrangler.toml: `wrangler deploy
// --dry-run --outdir` runs the [build] command (scripts/build-deploy.sh) and writes the bundle
// without contacting Cloudflare. The page needs the npm package's wasm (www/vendor/, which git
// ignores), so the build must make it and the assets must hold it, or a deploy from a clean
// clone ships a page that cannot check a number.
//
// wrangler lists the asset files it read only at debug level ("Read N files from the assets
// directory DIR", then one "/path" line each; "Ignoring asset: path" for those it leaves out).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

let outdir;
let output;

before(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'exotel-deploy-'));
  output = await new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [WRANGLER, 'deploy', '--dry-run', '--outdir', outdir, '--config', join(ROOT, 'wrangler.toml')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_HIDE_BANNER: 'true',
          WRANGLER_LOG: 'debug',
          CI: 'true',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveRun(text) : reject(new Error(`wrangler deploy --dry-run failed (${code}):\n${text}`)),
    );
  });
});

after(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The asset paths wrangler would upload, from its debug listing, and the directory read. */
function uploadedAssets(text) {
  const lines = text.split('\n').map((line) => line.trim());
  const at = lines.findIndex((line) => /Read \d+ files? from the assets directory /.test(line));
  assert.ok(at >= 0, `no asset listing in wrangler's output:\n${text}`);
  const [, count, directory] = lines[at].match(/Read (\d+) files? from the assets directory (.+)$/);
  const listed = lines.slice(at + 1, at + 1 + Number(count));
  assert.ok(listed.every((line) => line.startsWith('/')), `unexpected asset listing:\n${listed.join('\n')}`);
  const ignored = new Set(
    lines.filter((line) => line.startsWith('Ignoring asset: ')).map((line) => `/${line.slice('Ignoring asset: '.length)}`),
  );
  return { directory, paths: new Set(listed.filter((path) => !ignored.has(path))) };
}

test("the bundle holds the Worker's wasm as built", () => {
  const modules = readdirSync(outdir).filter((name) => name.endsWith('-index_bg.wasm'));
  assert.equal(modules.length, 1, `one wasm module expected in ${readdirSync(outdir).join(', ')}`);
  assert.ok(
    readFileSync(join(outdir, modules[0])).equals(readFileSync(join(ROOT, 'build/index_bg.wasm'))),
    'the bundled wasm differs from build/index_bg.wasm',
  );
  assert.match(readFileSync(join(outdir, 'index.js'), 'utf8'), new RegExp(`from "\\./${modules[0]}"`));
});

test("the assets hold the page and the npm package's wasm it loads", () => {
  const { directory, paths } = uploadedAssets(output);
  assert.equal(directory, join(ROOT, 'www'));
  // What the page imports the package from (www/phone.js), and the wasm that module fetches.
  const imported = readFileSync(join(ROOT, 'www/phone.js'), 'utf8').match(/import\('\.(\/vendor\/[^']+)'\)/)?.[1];
  assert.ok(imported, 'www/phone.js imports no ./vendor/ module');
  for (const path of ['/index.html', '/phone.js', imported, join(dirname(imported), 'exotel_connect_bg.wasm')]) {
    assert.ok(paths.has(path), `${path} is not among the assets: ${[...paths].join(' ')}`);
  }
});
