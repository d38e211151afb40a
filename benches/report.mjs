// Gathers one `make bench` run into one table: sizes (measured here), the core's speed
// (criterion's estimates and benches/node-core.mjs), the Worker under load (benches/load.mjs)
// and start-up (benches/startup.mjs), each row with its peer and the ratio. Prints the table
// and writes BENCHMARKS.md (with the machine, how to reproduce, the charts and where we lose),
// with how the cost grows with the store (benches/scale.mjs) and the round trips per endpoint
// (tests/support/round-trips.mjs, which the round-trips test asserts) in a section of their own.
// Figures only: nothing here passes or fails on a number.
//
//   node benches/report.mjs [--out BENCHMARKS.md] [--wall SECONDS]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { pageFiles, visits } from '../tests/browser/size.mjs';
import { ROUND_TRIPS } from '../tests/support/round-trips.mjs';
import { loadChart, scaleChart, sizeLabel } from './chart.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'target/bench');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const OUT = resolve(arg('--out', join(ROOT, 'BENCHMARKS.md')));
const CHART = join(ROOT, 'benches/results/load.svg');
const SCALE_CHART = join(ROOT, 'benches/results/scale.svg');
/** What one D1 round trip is taken to cost in the round-trips table. */
const D1_ROUND_TRIP_MS = 20;
const WALL = arg('--wall');

const KB = 1024;
const BUDGETS = { npm: 40 * KB, worker: 150 * KB, page: 30 * KB };

const readJson = (name) => JSON.parse(readFileSync(join(RESULTS, name), 'utf8'));
// GNU gzip, as scripts/pkg-size.sh and scripts/build-worker.sh measure the budgets: zlib's level 9
// packs the npm wasm about 500 bytes (1.3%) larger, and two figures for one file would disagree.
const gz = (data) => execFileSync('gzip', ['-9', '-c'], { input: data, maxBuffer: 64 << 20 }).length;
const file = (path) => readFileSync(join(ROOT, path));
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const ops = (n) => `${Math.round(n).toLocaleString('en-US')}/s`;
const ms = (n) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

/**
 * A row: `ours` and `peer` are numbers in one unit, shown with `show`; `better` says which way
 * is better ('higher' for throughput, 'lower' for sizes and times). The ratio is ours / peer.
 */
const rows = [];
function row({ section, what, ours, peer, peerName, show, better, budget, id }) {
  let ratio = '';
  let lose = false;
  if (typeof peer === 'number' && peer > 0) {
    const r = ours / peer;
    const win = better === 'higher' ? r >= 1 : r <= 1;
    lose = !win;
    const factor = (r >= 1 ? r : 1 / r).toFixed(1);
    const who = win ? 'ours' : 'peer';
    const how = section === 'Sizes' ? (win ? 'smaller' : 'bigger') : 'faster';
    ratio = `${r.toFixed(2)}× (${section === 'Sizes' ? `ours ${factor}× ${how}` : `${who} ${factor}× ${how}`})`;
  }
  let budgetText = '';
  if (budget) {
    budgetText = `≤ ${kb(budget)} gz: ${ours <= budget ? 'within' : `**over budget** (${Math.round((ours / budget) * 100)}%)`}`;
  }
  rows.push({
    section,
    what,
    ours: show(ours),
    peer: peerName ? `${peerName}${typeof peer === 'number' ? `: ${show(peer)}` : ''}` : '—',
    ratio: ratio || '—',
    budget: budgetText || '',
    lose,
    id,
    peerName,
  });
}

// ---- sizes ----------------------------------------------------------------------------------

/** esbuild --bundle --minify of `contents` (an ES module), raw and gzipped. */
async function bundleSize(contents, platform) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
    logLevel: 'silent',
    external: ['cloudflare:*'],
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gz: gz(code) };
}

const npmWasm = file('pkg/exotel_connect_bg.wasm');
const npmGlue = file('pkg/exotel_connect.js');
const fxpBundle = await bundleSize("export { XMLParser } from 'fast-xml-parser';", 'browser');
row({
  section: 'Sizes',
  what: 'npm package, raw (exotel_connect_bg.wasm + exotel_connect.js)',
  ours: npmWasm.length + npmGlue.length,
  peer: fxpBundle.raw,
  peerName: 'fast-xml-parser, esbuild --minify',
  show: kb,
  better: 'lower',
  id: 'size_npm',
});
row({
  section: 'Sizes',
  what: `npm package, gzipped (wasm ${kb(gz(npmWasm))} + JS glue ${kb(gz(npmGlue))})`,
  ours: gz(npmWasm) + gz(npmGlue),
  peer: fxpBundle.gz,
  peerName: 'fast-xml-parser, esbuild --minify, gz',
  show: kb,
  better: 'lower',
  budget: BUDGETS.npm,
  id: 'size_npm',
});
const workerWasm = file('build/index_bg.wasm');
const workerJs = file('build/index.js');
const baselineBundle = await bundleSize(readFileSync(join(ROOT, 'benches/baseline-worker/index.js'), 'utf8'), 'browser');
row({
  section: 'Sizes',
  what: `Worker bundle, gzipped (wasm ${kb(gz(workerWasm))} + JS ${kb(gz(workerJs))})`,
  ours: gz(workerWasm) + gz(workerJs),
  peer: baselineBundle.gz,
  peerName: 'JS baseline Worker, esbuild --minify, gz',
  show: kb,
  better: 'lower',
  budget: BUDGETS.worker,
  id: 'size_worker',
});
// The heaviest download a visitor makes: the page or the widget, in one language.
const pageGz = new Map(pageFiles().map((f) => [f.file, f.gz]));
const page = visits().reduce((a, b) => (b.gz > a.gz ? b : a));
const pageBy = (exts) => page.files.filter((f) => exts.some((e) => f.endsWith(e))).reduce((s, f) => s + pageGz.get(f), 0);
row({
  section: 'Sizes',
  what: `page, gzipped, heaviest visit (the ${page.visit} in ${page.lang}: HTML ${kb(pageBy(['.html']))}, CSS ${kb(pageBy(['.css']))}, JS ${kb(pageBy(['.js', '.mjs']))}, SVG ${kb(pageBy(['.svg']))}; ${page.files.length} files)`,
  ours: page.gz,
  show: kb,
  better: 'lower',
  budget: BUDGETS.page,
  id: 'size_page',
});

// ---- speed: native (criterion) and Node ------------------------------------------------------

function criterion(group, id) {
  const path = join(ROOT, 'target/criterion', group, id, 'new/estimates.json');
  if (!existsSync(path)) return undefined;
  const nanos = JSON.parse(readFileSync(path, 'utf8')).median.point_estimate;
  return 1e9 / nanos;
}
const NATIVE = [
  ['parse_call_json', 'parse_call, JSON (seed.json)', 'serde_json::Value + mapping'],
  ['parse_call_xml', 'parse_call, XML (seed.xml)', 'quick-xml event reader + mapping'],
  ['parse_status_callback_urlencoded', 'parse_status_callback, urlencoded', 'form_urlencoded + mapping'],
  ['connect_request', 'ConnectToFlow build + to_request', 'by hand: form_urlencoded + base64'],
  ['parse_call_xml_details', 'parse_call, XML with leg details (details.xml)'],
  ['parse_status_callback_multipart', 'parse_status_callback, multipart'],
  ['parse_status_callback_json', 'parse_status_callback, JSON with legs'],
  ['normalize_phone', 'PhoneNumber::parse("098765-43210")'],
];
for (const [id, what, peerName] of NATIVE) {
  const ours = criterion('core', id);
  if (ours === undefined) continue;
  row({
    section: 'Core speed, native (criterion, median)',
    what,
    ours,
    peer: peerName ? criterion('peer', id) : undefined,
    peerName,
    show: ops,
    better: 'higher',
    id: `native_${id}`,
  });
}
const node = readJson('node-core.json');
for (const r of node.results) {
  row({
    section: `Core speed, Node ${node.node} (npm package, median)`,
    what: r.what,
    ours: r.ours,
    peer: r.peerOps,
    peerName: r.peer,
    show: ops,
    better: 'higher',
    id: `node_${r.id}`,
  });
}

// ---- load -------------------------------------------------------------------------------------

const load = readJson('load.json');
for (const endpoint of [...new Set(load.results.map((r) => r.endpoint))]) {
  const ours = load.results.find((r) => r.endpoint === endpoint && r.worker === 'ours');
  const base = load.results.find((r) => r.endpoint === endpoint && r.worker === 'baseline');
  const section = `Worker under load (wrangler dev, wrk ${load.connections} connections, ${load.seconds} s each)`;
  const failures = (r) => (r.non2xx + r.socketErrors > 0 ? ` (${r.non2xx} non-2xx, ${r.socketErrors} socket errors)` : '');
  row({
    section,
    what: `${ours.what}: requests/s${failures(ours)}`,
    ours: ours.rps,
    peer: base.rps,
    peerName: `JS baseline Worker${failures(base)}`,
    show: (n) => `${n.toFixed(1)}/s`,
    better: 'higher',
    id: `load_${endpoint}`,
  });
  if (ours.workerd_cpu_us !== undefined) {
    row({
      section,
      what: `${ours.what}: workerd CPU per request`,
      ours: ours.workerd_cpu_us,
      peer: base.workerd_cpu_us,
      peerName: 'JS baseline Worker',
      show: (n) => `${Math.round(n)} µs`,
      better: 'lower',
      id: `load_${endpoint}`,
    });
  }
  for (const [key, label] of [
    ['p50_ms', 'p50'],
    ['p99_ms', 'p99'],
  ]) {
    row({
      section,
      what: `${ours.what}: ${label} latency`,
      ours: ours[key],
      peer: base[key],
      peerName: 'JS baseline Worker',
      show: ms,
      better: 'lower',
      id: `load_${endpoint}`,
    });
  }
  // The baseline with the Rust Worker's admission written in JS (BASELINE_ADMISSION): what
  // that one guard costs a JS Worker, and the Rust Worker beside a peer that has it too.
  const admitting = load.results.find((r) => r.endpoint === endpoint && r.worker === 'admitting');
  if (admitting) {
    const cpu = (n) => `${Math.round(n)} µs`;
    const rate = (n) => `${n.toFixed(1)}/s`;
    row({
      section,
      what: `${ours.what}: requests/s, the JS baseline with the admission guard written in JS (not ours)`,
      ours: admitting.rps,
      peer: base.rps,
      peerName: 'JS baseline Worker',
      show: rate,
      better: 'higher',
      id: 'load_admission',
    });
    row({
      section,
      what: `${ours.what}: requests/s, beside a JS baseline that admits as we do`,
      ours: ours.rps,
      peer: admitting.rps,
      peerName: 'JS baseline Worker with admission',
      show: rate,
      better: 'higher',
      id: `load_${endpoint}`,
    });
    row({
      section,
      what: `${ours.what}: workerd CPU per request, beside a JS baseline that admits as we do`,
      ours: ours.workerd_cpu_us,
      peer: admitting.workerd_cpu_us,
      peerName: 'JS baseline Worker with admission',
      show: cpu,
      better: 'lower',
      id: `load_${endpoint}`,
    });
  }
}

/** What the admitting baseline's rate says about the 0.8× goal for placing a call. */
function admissionVerdict() {
  const of = (worker) => load.results.find((r) => r.endpoint === 'create' && r.worker === worker);
  if (!of('admitting')) return '';
  const ratio = of('admitting').rps / of('baseline').rps;
  return ratio < 0.8
    ? `That one guard, written in JS, puts the baseline at ${ratio.toFixed(2)}× its own rate, below the 0.8× asked of the Rust Worker: the goal for placing a call is not met with the guards kept, and no guard is dropped for it.`
    : `That one guard, written in JS, puts the baseline at ${ratio.toFixed(2)}× its own rate.`;
}

// ---- start-up -------------------------------------------------------------------------------

const startup = readJson('startup.json');
const startSection = `Start-up (median of ${startup.coldRuns} cold starts; compile: ${startup.compileRuns} runs)`;
row({
  section: startSection,
  what: `compile + instantiate the Worker's wasm (Node ${startup.node ?? ''})`.replace(' ()', ''),
  ours: startup.compile.ours,
  peer: startup.compile.baseline,
  peerName: 'JS baseline: compile + evaluate its module',
  show: ms,
  better: 'lower',
  id: 'startup_compile',
});
row({
  section: startSection,
  what: 'workerd ready (new Miniflare → ready)',
  ours: startup.ours.ready,
  peer: startup.baseline.ready,
  peerName: 'JS baseline Worker',
  show: ms,
  better: 'lower',
  id: 'startup_ready',
});
row({
  section: startSection,
  what: 'first request after a cold start (POST /api/calls)',
  ours: startup.ours.first,
  peer: startup.baseline.first,
  peerName: 'JS baseline Worker',
  show: ms,
  better: 'lower',
  id: 'startup_first',
});
row({
  section: startSection,
  what: 'second request (POST /api/calls), for contrast',
  ours: startup.ours.second,
  peer: startup.baseline.second,
  peerName: 'JS baseline Worker',
  show: ms,
  better: 'lower',
  id: 'startup_second',
});
row({
  section: startSection,
  what: 'compile + instantiate the npm package\'s wasm (Node)',
  ours: startup.compile.npm,
  show: ms,
  better: 'lower',
  id: 'startup_npm',
});

// ---- the table ------------------------------------------------------------------------------

const cell = (s) => String(s).replace(/\|/g, '\\|');
const table = ['| what | ours | peer (same run) | ours / peer | budget |', '|---|---:|---|---|---|'];
let section;
for (const r of rows) {
  if (r.section !== section) {
    section = r.section;
    table.push(`| **${cell(section)}** | | | | |`);
  }
  table.push(`| ${cell(r.what)} | ${cell(r.ours)} | ${cell(r.peer)} | ${cell(r.ratio)} | ${cell(r.budget)} |`);
}
const tableText = table.join('\n');
console.log(tableText);

// ---- scale and round trips ------------------------------------------------------------------

const scale = readJson('scale.json');
const scaleSizes = [...scale.sizes].sort((a, b) => a - b);
const [smallest, largest] = [scaleSizes[0], scaleSizes[scaleSizes.length - 1]];
const scaleTable = [
  `| median (ms, lower is better) | ${scaleSizes.map((n) => `${sizeLabel(n)} calls`).join(' | ')} | ${sizeLabel(largest)} / ${sizeLabel(smallest)} |`,
  `|---|${scaleSizes.map(() => '---:').join('|')}|---:|`,
];
for (const op of [...new Set(scale.results.map((r) => r.op))]) {
  const bySize = scaleSizes.map((n) => scale.results.find((r) => r.op === op && r.size === n));
  const first = bySize[0].median_ms;
  const lastMs = bySize[bySize.length - 1].median_ms;
  scaleTable.push(`| ${cell(bySize[0].what)} | ${bySize.map((r) => ms(r.median_ms)).join(' | ')} | ${(lastMs / first).toFixed(1)}× |`);
}
const scaleTableText = scaleTable.join('\n');
console.log(`\n${scaleTableText}`);
const count = (n) => n.toLocaleString('en-US');
const storesTable = [
  '| store | calls | events | notifications | rate-limit rows | on disk |',
  '|---|---:|---:|---:|---:|---:|',
  ...scaleSizes.map((n) => {
    const { counts, bytes } = scale.stores[n];
    return `| ${sizeLabel(n)} | ${count(counts.calls)} | ${count(counts.call_events)} | ${count(counts.outbox)} | ${count(counts.rate_events)} | ${(bytes / 1024 / 1024).toFixed(1)} MB |`;
  }),
].join('\n');
const range = (values) => (Math.min(...values) === Math.max(...values) ? `${Math.min(...values)}` : `${Math.min(...values)} to ${Math.max(...values)}`);
const purged = (n, kind) => range(scale.stores[n].purged.map((r) => r[kind]));
const purgedSame = scaleSizes.every((n) => purged(n, 'masked') === purged(scaleSizes[0], 'masked') && purged(n, 'deleted') === purged(scaleSizes[0], 'deleted'));
const purgedText = purgedSame
  ? `${purged(scaleSizes[0], 'masked')} numbers masked and ${purged(scaleSizes[0], 'deleted')} calls deleted at every size`
  : scaleSizes.map((n) => `${sizeLabel(n)}: ${purged(n, 'masked')} masked, ${purged(n, 'deleted')} deleted`).join('; ');
const sizesText = scaleSizes.length > 1
  ? `${scaleSizes.slice(0, -1).map(sizeLabel).join(', ')} and ${sizeLabel(largest)}`
  : sizeLabel(largest);

const tripsTable = [
  `| endpoint | D1 round trips | Exotel round trips | D1 wait at ${D1_ROUND_TRIP_MS} ms a round trip | what they are |`,
  '|---|---:|---:|---:|---|',
  ...Object.values(ROUND_TRIPS).map((t) => {
    const d1 = t.d1WhenChanged ? `${t.d1} (${t.d1WhenChanged} when it changed)` : String(t.d1);
    const wait = t.d1WhenChanged
      ? `${t.d1 * D1_ROUND_TRIP_MS} ms (${t.d1WhenChanged * D1_ROUND_TRIP_MS} ms)`
      : `${t.d1 * D1_ROUND_TRIP_MS} ms`;
    return `| ${cell(t.what)} | ${d1} | ${t.exotel} | ${wait} | ${cell(t.why)} |`;
  }),
].join('\n');

// ---- BENCHMARKS.md --------------------------------------------------------------------------

mkdirSync(dirname(CHART), { recursive: true });
writeFileSync(CHART, loadChart(load));
writeFileSync(SCALE_CHART, scaleChart(scale));

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};
const cpuModel = cpus()[0]?.model ?? 'unknown';
const wrkVersion = load.wrk.replace(/ Copyright.*$/, '');
const machine = [
  `- CPU: ${cpuModel}, ${sh('nproc', [])} cores available (\`nproc\`)`,
  `- Kernel: Linux ${sh('uname', ['-r'])}; ${sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])}`,
  `- Node ${process.version} (npm package speed, load driver); ${startup.node ? `Node ${startup.node}` : 'see start-up'} (start-up: Node 20's V8 cannot compile the Worker's wasm)`,
  `- ${sh('rustc', ['--version'])}; wrangler ${sh('node', [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), '--version'])}; ${wrkVersion}`,
  `- Load average when the report was written: ${loadavg().map((l) => l.toFixed(2)).join(', ')}${process.env.BENCH_LOAD_BEFORE ? `; before the run: ${process.env.BENCH_LOAD_BEFORE}` : ''}`,
  `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}${WALL ? `; the measuring (scripts/bench.sh, builds excluded) took ${Math.floor(Number(WALL) / 60)} min ${Math.round(Number(WALL) % 60)} s` : ''}`,
].join('\n');

/** Whether the budgeted row of kind `id` is within its budget, in a sentence. */
function budgetNote(id, name) {
  const budgeted = rows.find((r) => r.id === id && r.budget);
  if (!budgeted) return '';
  const limit = kb(BUDGETS[id.replace('size_', '')]);
  return budgeted.budget.includes('over budget')
    ? ` The ${name} is over its own ${limit} budget: that is open work.`
    : ` The ${name} is within its own ${limit} budget.`;
}

// Why we lose where we lose: one explanation per kind of row, shown when a row of that kind loses.
const WHY = {
  size_npm:
    'The npm package carries the whole core compiled to wasm (phone rules for several countries, JSON, XML, form and multipart readers, request builders, error messages) plus wasm-bindgen glue; a JS user parsing XML would add only fast-xml-parser and write the rest (with none of the validation) by hand.' +
    budgetNote('size_npm', 'package'),
  size_worker:
    'The Worker is workers-rs compiled to wasm: the `worker` crate\'s bindings (D1, Request/Response, crypto), the core, every handler (the visitor\'s API, callbacks, the cron, the operator\'s API and sign-in, notifications) and wasm-bindgen glue, built with -Zbuild-std at opt-level "z" and immediate-abort panics (17 KB gz less than the prebuilt std), with no serde: JSON is read with the core\'s reader and written member by member, D1 rows are read column by column, requests go out through `fetch` directly. Its two entry points are written out rather than by `#[event]`, whose glue printed errors through `Box<dyn Error>` and so linked the messages of every error `worker::Error` wraps (serde_json\'s, the router\'s, std::io\'s); no float is parsed with `str::parse` (core\'s parser brings a 10 KB table that does not compress); log lines use no `{:?}`; the wasm-bindgen classes its dependencies define for JS (R2Range, MinifyConfig, ContainerStartupOptions, wasm-streams\' sources and sink), which it never hands to JS, lose their exports before wasm-opt, so their code goes (3 KB); its allocator is talc rather than std\'s dlmalloc (1.9 KB); and wasm-opt inlines a function with one caller only when it is tiny (-Oz alone inlines any: 5 KB more). The baseline is a few kilobytes of JS that leans on the runtime for everything. Where the wasm goes (function sizes from a build with names, after wasm-opt): our handlers and services over half of the code (each handler\'s future boxed on its own, so a first request compiles only the handler it runs), the operator\'s API and sign-in 13%, `core` and `alloc` (formatting, sorts, iterators) 13%, the core library 10%. Built without the operator\'s API (measured 2026-12-05) the wasm is 138.2 KB gz (the bundle about 144.5 KB), and without the cron as well 129.6 KB (136 KB): 150 KB would take moving the operator\'s API into a second Worker behind a service binding (a second build and deploy; the Exotel credentials and the callback secret, which \"Call back now\" needs, in two places; `make dev` and the tests running both), for a bundle smaller by bytes that cold starts download but never compile (V8 compiles a function when it is first called); 120 KB would take the cron out too, and 16 KB more off what is left: the visitor\'s API, callbacks and their guards. opt-level "s" (+20 KB), LLVM\'s inliner off (+1 KB) and more wasm-opt passes (`--converge`, `--gufa`: under 0.5 KB) were tried. Building with `-Zfmt-debug=none -Zlocation-detail=none` and std\'s `optimize_for_size` was tried: 5.8 KB gz less, not worth `Debug` text going blank.' +
    budgetNote('size_worker', 'Worker'),
  node_parse_call_json:
    '`JSON.parse` is V8\'s own native parser, and the mapping is a JIT-compiled loop. Our `parseCall` copies the bytes into wasm memory, reads them into a tree that borrows every name and value from the body (about a third of the time), checks and copies the Call\'s fields out of it (a sixth), and writes them as a tape of one-character ops and the strings, from which npm/api.js builds the object (about a tenth: one UTF-8 decode, the strings sliced out of it, the field names taken by number from a table read once; the result written as JSON for the host\'s `JSON.parse` took about twice that). The wasm is built for size (`opt-level = "z"`, which inlines little) but for the few byte-by-byte loops every body runs through (about 0.2 KB built for speed): the whole core at `opt-level = 2` read this body 1.2× as fast (XML 2×) for 11.5 KB more gzipped wasm, and at `"s"` 1.1× for 4 KB more, both beyond the package\'s 40 KB budget; the JSON reader\'s own functions built for speed gained 3% for 0.2 KB, which the budget does not have either.',
  node_parse_status_callback_urlencoded:
    '`URLSearchParams` is built into Node and JIT-compiled; our `parseStatusCallback` pays the same costs as `parseCall` on a tiny body (bytes copied in, the result out as a tape that npm/api.js builds the object from), and also sniffs the content type and validates every known field. A form goes piece by piece into its object, and the loops that touch every byte are built for speed.',
  node_connect_request:
    'The hand-written peer trusts its input: a few string rules for Indian numbers and no URL or option checks. `connectRequest` writes the options as JSON (reading each safely and noting its type), encodes it into a buffer it keeps (`encodeInto`; wasm-bindgen\'s own way in for a string copies it a character at a time in JS, 4% of the time), hands the bytes to wasm built for size, which checks every key and type, applies the E.164 rules for several countries, validates the callback URL and time limits and encodes the form body and Basic credentials, and answers with a tape npm/api.js builds the request from. The options\' way in (written as JSON, read back in the wasm) is about a third of the time. That is the price of the errors it gives; it is still well under a millisecond per request.',
  native_parse_call_xml:
    'Our XML reader is a small hand-written one, chosen to keep the wasm small (quick-xml cost ~38 KB gz), that checks the whole document (matched tags, no DTD or entities, bounded depth) and maps every field; quick-xml\'s event reader is a tuned tokenizer, and the peer copies text without those checks.',
  native_parse_call_json:
    'Our JSON reader is a small hand-written one, chosen to keep the wasm small (serde_json cost ~24 KB gz).',
  native_parse_status_callback_urlencoded:
    'The peer picks four fields out of `form_urlencoded::parse`; `parse_status_callback` also sniffs the content type (urlencoded, multipart or JSON), validates each field and keeps every optional one.',
  native_connect_request:
    'The hand-built request skips the checks the builder makes (E.164 rules for several countries, URL and time-limit validation, errors that name the field).',
  load_create:
    `Placing a call, the Rust Worker does more than the baseline: three HMACs (client and number buckets for the rate limits, the callback token) against one, and ${ROUND_TRIPS.create.d1} D1 round trips (${ROUND_TRIPS.create.why}) against one batch, of five statements against two. Beside the baseline that admits as it does (\`BASELINE_ADMISSION\`, the rows that say so) the gap is what only the Rust Worker does: the \`Idempotency-Key\` claim, the call budgets per hour and per day, CORS and the body limit, the connect event written by the event log\'s rules, and workers-rs\'s glue. A CPU profile of 300 calls placed one after another (Miniflare, the inspector attached) puts the rest in workers-rs\'s glue rather than in our code: every awaited promise wakes the Rust future through \`queueMicrotask\`, and the request\'s method, URL and headers cross the boundary (not its \`cf\` object, which workerd rebuilds from JSON on every read). HMAC keys are imported once per isolate (as the baseline does), bodies are read with one \`arrayBuffer()\`, and the limits\' state is read only for a refusal.`,
  load_admission:
    `This row is the JS baseline against itself: with BASELINE_ADMISSION=on it does, before asking Exotel, what the Rust Worker\'s admission does (the client and the number as keyed hashes, one D1 batch that counts both rate-limit buckets, records the request in each and stores the call), and nothing else the Rust Worker adds (Idempotency-Key, call budgets, CORS, body limits, the event log\'s rules). ${admissionVerdict()}`,
  load_show:
    `Both read the call in ${ROUND_TRIPS.poll.d1} D1 round trip (no Call Details refresh is due in this run), so the gap is in the Worker's own work around that read (routing, CORS, building the answer, crossing the wasm/JS boundary), not in D1. The workerd CPU per request beside the rate is that work, measured in the same run without the proxy\'s and wrk\'s share of the two cores: per poll the Rust Worker passes 33 strings from wasm to JS (15 of them D1 column names, the SQL, 12 header names and values), wakes its future through two microtasks and builds the response header by header; reading D1 rows as arrays (\`raw()\`) would save the column names only, as D1\'s own side costs the same either way (measured). A CPU profile of 4,000 polls beside the baseline\'s puts the wasm\'s own code at about a fifth of the isolate\'s time, spread thin (the handler, reading the row, writing the answer, the futures\' glue); writing its timestamps and numbers without \`core::fmt\`, reading the clock with \`Date.now()\` rather than a \`Date\`, and copying a kept set of headers rather than setting six were tried together: 0.97 to 1.02 of the CPU in paired runs, no change, so they were not kept. The two ratios track each other: with wrk, wrangler\'s proxy, the mock and workerd sharing two cores, what each Worker costs in workerd sets its rate.`,
  load_callback:
    `Both verify an HMAC token and write a deduplicated event; the baseline reads the call and then writes (2 round trips), the Rust Worker checks and writes in ${ROUND_TRIPS.callback.d1} batch. The Rust Worker also parses the body with the core (any of three encodings) and applies the event log\'s ordering rules. A second try is planned only for an outcome that earns one; it used to be planned for every callback, looking a year of opening hours up in \`Intl\` (about 20 ms of CPU each, 0.39× the baseline\'s rate).`,
  startup_compile:
    'A wasm module of a few hundred kilobytes takes longer to compile and instantiate than a 6 KB JS module; V8 compiles wasm lazily, so this is the up-front part.',
  startup_ready:
    'workerd compiles the Worker\'s wasm while loading it, before the first request.',
  startup_first:
    'The first request runs wasm functions for the first time, and V8 compiles each one then (lazily), on top of the JS glue\'s own warm-up; the first HMAC key import and D1 statements are shared with the baseline. Each handler\'s future is boxed, so the first call compiles the code of placing a call and not of every endpoint (about 3.5 ms less here). The first `Intl.DateTimeFormat` with a time zone (20-30 ms here, loading ICU\'s zone data) is on no path for a business in India or on UTC (their offsets come from a table); for another zone it is made once per isolate. A call Exotel did not place, and the operator\'s routes, are compiled apart too; in paired cold starts (40 each) that, and 5 KB less wasm, moved the first POST by under 1%. Measured apart: a cold `GET /api` 404 costs about 7 ms more than a warm one (the baseline: 1.5 ms), of which reading the configuration (once per isolate; now at start-up) and routing were 2-3 ms and the rest the first pass through the JS glue and wasm-bindgen\'s futures; the first POST adds the first D1 batch, HMAC and fetch from wasm. The runtime loads its log formatter on the first `console.log` (about 2 ms), and reading the settings took about 1 ms more: the Worker logs `worker_started` and reads its settings (from the bindings `cloudflare:workers` exports) as its wasm starts, so both are paid at start-up (which Cloudflare runs during the TLS handshake), not by the first visitor. In paired cold starts (14 to 16 each) the first POST went from 22.6 to 20.2 ms with the log line, and from 20.5 to 19.6 ms with the settings. Calling the visitor\'s synchronous path once at start-up instead (the body and the number read, the connect request built, an Exotel answer read, a JSON answer written, one turn of the futures\' executor: about 15 KB of wasm) did not move the first POST (18.4 against 18.5 ms, 12 paired cold starts): what is left is in the handler\'s own async code, which cannot run without a request, and in the runtime\'s first D1 and fetch. A warm-up request at start-up cannot be made: workerd refuses `new Response()` at global scope, where the module loads. Its most, measured by sending a real 404 before the first POST (8 cold starts each): the first POST went from 19.2 to 15.7 ms, but the JS baseline\'s from 8.8 to 7.1 ms, so about half of it is workerd\'s own first request and would not move the ratio.',
  startup_second:
    'Warm, placing a call still costs the Rust Worker more HMACs and D1 round trips than the baseline (see POST /api/calls under load).',
};
/** Rows grouped by kind (`id`), in table order. */
function byKind(list) {
  const groups = new Map();
  for (const r of list) groups.set(r.id, [...(groups.get(r.id) ?? []), r]);
  return [...groups.values()];
}
const brief = (r) => `${r.what.replace(/ \([^)]*\)/, '')} vs ${r.peerName.replace(/ \(.*$/, '')}: ${r.ratio}`;
const lossText =
  byKind(rows.filter((r) => r.lose))
    .map((group) => `- **${group[0].section.replace(/ \(.*$/, '')}**: ${group.map(brief).join('; ')}. ${WHY[group[0].id] ?? ''}`)
    .join('\n') || '- Nowhere in this run.';
const winText =
  byKind(rows.filter((r) => !r.lose && r.ratio !== '—'))
    .map((group) => `- ${group[0].section.replace(/ \(.*$/, '')}: ${group.map(brief).join('; ')}.`)
    .join('\n') || '- Nowhere in this run.';
const overBudget = rows.filter((r) => r.budget.includes('over budget'));

const md = `# Benchmarks

Written by \`make bench\` (scripts/bench.sh, benches/report.mjs) from the run described below: every
figure beside its peer, measured in the same run on the same machine. Benchmarks print figures;
no test times anything, and nothing here fails on a number. Ratios are ours / peer.

## Machine

${machine}

The machine is a small shared VM: other jobs may have been running (see the load average), so
absolute figures are noisy. Each comparison takes its two sides in turn within the same run, so
the ratios are steadier than the figures.

## Results

${tableText}
${overBudget.length ? `\nOver budget: ${overBudget.map((r) => r.what.replace(/ \(.*$/, '')).join('; ')}.\n` : ''}
![The Worker under load: requests per second, p50 and p99 latency, Rust Worker beside the JS baseline](${relative(dirname(OUT), CHART)})

## Where we lose, and why

${lossText}

Where we win in this run:

${winText}

Reading Exotel's XML in Node is faster through the package than through fast-xml-parser or
xml2js: they build a generic tree of JS objects first, which is then mapped, where the core
reads the body into a small tree of slices of it, inside the wasm, and copies out only the
fields it keeps. The wasm is built for size (\`opt-level = "z"\`), not speed.

## Scale: how the cost grows

The Worker against stores of ${sizesText} calls, months of use as the cron keeps them
(benches/scale.mjs; what is in a store: [What is measured](#what-is-measured)). Median of
${scale.samples} runs after ${scale.warmUp} to warm up (the backlog rows: ${scale.backlogSamples} runs after one), the sizes taking turns
run by run.

${scaleTableText}

${storesTable}

Each timed run with a retention backlog did all of it: ${purgedText}.

![Median time per request and per cron run against the calls stored, one line per operation](${relative(dirname(OUT), SCALE_CHART)})

What each does with the store:

- **GET /api/calls/{id}** reads one call through its key: the lookup grows with the index's
  depth (a level or so from the smallest store to the largest), not with the calls stored.
- **The dashboard's first page** reads 50 calls newest first through an index, and counts every
  call for its total: that count walks a whole (small) index.
- **A filtered page** walks the calls created in the dates asked, checking each one's status:
  its cost follows the calls in those dates, not the whole store. Here a week holds a
  thirteenth of each store (the stores differ in traffic, not in age), so it grows with them.
- **The searches** can use no index to find \`…3210\` or \`…priya…\` (a suffix, a substring):
  they walk every call's number and name in an index (migrations/0008) and count the matches,
  so they grow with the store. Finding only the matches needs the Worker to store what an
  index can search (the number's digits reversed, searched by prefix; a trigram index for names).
- **A cron run on the steady store** finds its work through indexes (the round-trips test
  checks every plan): with nothing to do it reads little at any size.
- **A cron run with a retention backlog** masks 500 numbers and deletes 500 calls with their
  events, each change touching every index of \`calls\`: in a bigger store those indexes are
  deeper and less of them is in SQLite's cache, so the same work costs more.

### Round trips per endpoint

Counted, not timed: tests/worker/round-trips.test.mjs asserts each count against the running
Worker (tests/support/round-trips.mjs holds them). In production each D1 round trip is a network
hop from the Worker to its database and each Exotel one a request to Exotel's API; the wait
column is the D1 part alone at ${D1_ROUND_TRIP_MS} ms a round trip, Exotel's answer time comes on top.
Work left for after the response (notifications) is not counted: no one waits for it.

${tripsTable}

## What is measured

- **Sizes**: \`gzip -9\` of each file as served (GNU gzip for the npm package and the Worker, as
  their budget checks measure them; zlib's level 9 for the page, as its test does). The npm package is \`exotel_connect_bg.wasm\` plus
  the ES glue \`exotel_connect.js\` (budget 40 KB gz); the Worker is \`build/index_bg.wasm\` plus
  \`build/index.js\` (budget 150 KB gz); the page is www/'s HTML, CSS, JS and SVG as a visitor
  downloads them (the page or the widget, with the catalog of one language; the heaviest shown),
  without www/vendor (the package, loaded lazily), budget 30 KB gz. Peers are bundled with esbuild
  \`--minify\`: fast-xml-parser (what a JS user adds to read Exotel's XML) and the baseline Worker.
- **Core speed, native**: criterion (benches/core.rs), median time per call, shown as calls per
  second; each case's peer is the same job with the usual crates (group \`peer\`), checked to
  read the same fields first, and measured right after it. Built with \`[profile.bench]\` (opt-level 3, what a Rust user's
  release build gets; the wasm builds use opt-level "z").
- **Core speed, Node**: benches/node-core.mjs. The npm package (\`pkg/node.mjs\`) against the JS
  way of doing the same job, from the same bytes to the same object (checked with
  \`deepEqual\` before timing): \`JSON.parse\` + mapping; fast-xml-parser and xml2js (the parser
  the existing Exotel Node client uses) + mapping; \`URLSearchParams\` + mapping; for
  \`connectRequest\`, the request built by hand (\`URLSearchParams\`, \`btoa\`, \`URL\`). Samples
  alternate between the two sides; the figure is the median.
- **Worker under load**: benches/load.mjs. Both Workers under \`wrangler dev\` (workerd, local D1)
  in live mode against the mock Exotel (tests/support/mock-exotel.mjs), all on 127.0.0.1;
  ${wrkVersion.split(' [')[0]}, ${load.threads} threads, ${load.connections} connections, ${load.seconds} s per Worker and endpoint after a short warm-up,
  measured in two halves in the order ours, baseline, baseline, ours (so drift in the machine's
  speed falls on both alike; the halves' percentiles are averaged). \`POST /api/calls\` sends a distinct number each
  time with the rate limits raised for the run; \`GET /api/calls/{id}\` reads calls just placed,
  with Call Details refreshes off (\`STATUS_REFRESH_MS\` at its maximum), as the baseline does;
  the callback endpoint gets the callback URLs the mock received, with a urlencoded
  \`completed\` callback (the first one applies, repeats are no-ops on both). The baseline
  (benches/baseline-worker/index.js) does the same job with no library: a minimal Indian E.164
  check, the connect request, the row and the event in D1, the HMAC callback token; it has no
  rate limits, idempotency, CORS or Call Details. Every request goes through wrangler's local
  proxy, on the same two cores as wrk and the mock, so these are a floor, not a forecast.
  "workerd CPU per request" is the CPU time (user and system, from /proc) of each Worker's
  workerd processes over its measured halves, divided by the requests answered: the Worker, its
  D1 and Miniflare's own services, without the proxy, wrk or the mock.
- **Start-up**: benches/startup.mjs. \`WebAssembly.compile\` + instantiate of the Worker's wasm
  in Node (V8, as in workerd), against compiling and evaluating the baseline's JS module; then a
  fresh Miniflare (workerd) per run: time to ready, and the first and second
  \`POST /api/calls\` (to the mock Exotel).
- **Scale**: benches/scale.mjs. The built Worker in Miniflare (workerd with its local D1 on disk,
  as \`wrangler dev\` runs it, without wrangler's proxy in front) in live mode against the mock
  Exotel, with notifications to a local receiver. Each store (benches/scale-data.mjs) holds calls
  spread over 89 days, oldest first, with their event logs (connect answer, callbacks, some Call
  Details and reconciliation entries: 1 to 4 per call): 55% answered, 22% missed (30% of those
  with a second try), 11% failed, 3% never learned, 9% canceled before their chosen time, and a
  few of the last day's waiting for a day ahead; 60% with a name (some in Devanagari), 70% with
  the page and consent (some with a referrer, campaign or note); one visitor in five calling
  again; numbers masked past 29 days; and beside them what the cron keeps: a day of rate-limit
  rows, a week of delivered notifications, numbers revealed, sessions.
  That is the steady state under the default settings, with a day's margin: no call to delete
  or mask, none due or waiting for an outcome. Numbers are synthetic (+91 94 and eight digits).
  Each store is seeded once with multi-row INSERTs, cached under target/bench/scale-db/ (keyed
  by migrations/ and the generator, for a day), and measured on a copy. Requests go over HTTP on
  127.0.0.1, the operator's signed in with a session cookie; a cron run is Miniflare's scheduled
  dispatch (\`scheduled()\`), timed to its end. The filtered page asks for missed calls in the
  week that ended 8 days ago; the searches for the last four digits, and the name, of the
  oldest call in the store (the same at every size). The backlog: before each run, untimed,
  ${scale.backlog} calls past 90 days are inserted with their events and the ${scale.backlog} youngest numbers
  past 30 days are unmasked, what one run masks and deletes at most.

## Reproduce

\`\`\`sh
make bench    # installs wrk (Debian) and, on Node < 22, Node 22 from npm; builds pkg/ and build/
\`\`\`

It rewrites this file, benches/results/load.svg and benches/results/scale.svg. From a clean checkout (Rust tools already
installed) most of its time goes to compiling the npm package, the Worker and the criterion
bench; the measuring itself takes about seven minutes. Knobs (environment): \`LOAD_SECONDS\`
(default 10), \`LOAD_CONNECTIONS\` (16), \`LOAD_THREADS\` (2), \`BENCH_SAMPLES\` (Node samples, 9),
\`STARTUP_COLD_RUNS\` (5), \`SCALE_SIZES\` (\`1000,10000,100000\`), \`SCALE_SAMPLES\` (9),
\`SCALE_WARM_UP\` (3), \`SCALE_BACKLOG_SAMPLES\` (5), \`CRITERION_ARGS\` (default
\`--warm-up-time 1 --measurement-time 2\`). Raw figures land in target/bench/ and
target/criterion/; seeding the scale stores adds about a minute when they are not cached.
`;
writeFileSync(OUT, md);
console.error(`\nwrote ${relative(ROOT, OUT)}, ${relative(ROOT, CHART)} and ${relative(ROOT, SCALE_CHART)}`);
