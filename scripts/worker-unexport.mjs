// Takes the exports of wasm-bindgen classes out of the Worker's wasm, before wasm-opt, so that
// wasm-opt drops the code only they reach.
//
// The `worker` crate and wasm-streams define classes for JS to hold (R2Range, MinifyConfig,
// ContainerStartupOptions; the sources and sink that turn a Rust stream into a JS one), and
// wasm-bindgen exports every method of each from the wasm whether or not anything uses it. This
// Worker has no class of its own and hands none to JS: the glue never wraps a Rust value in one
// (it would call the class's `__wrap`), and worker/js/entry.js calls only `fetch`, `scheduled`
// and the start-up exports. So the methods can never be called, yet they were about 11 KB of
// wasm (3 KB gzipped) that every cold start downloads and validates. The classes themselves stay
// in the JS glue, unreachable.
//
// A class's exports are named by wasm-bindgen as `__wbg_<class>_free`, `__wbg_get_<class>_*`,
// `__wbg_set_<class>_*` and `<class>_*`; the classes are found by their `_free`.
//
// Usage: node scripts/worker-unexport.mjs build/index_bg.wasm build/index.js
//   Rewrites the wasm in place and prints what it dropped. Refuses (exit 1), leaving the wasm as
//   it was, when the glue wraps a Rust value in a class: then a class's methods may be called.

import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error('usage: node scripts/worker-unexport.mjs WASM GLUE_JS');
  process.exit(2);
}

if (/\.__wrap\(/.test(readFileSync(gluePath, 'utf8'))) {
  console.error(
    `worker-unexport: ${gluePath} wraps a Rust value in a wasm-bindgen class, so JS can call ` +
      'its methods; their exports are left in the wasm, and this step must learn which to keep',
  );
  process.exit(1);
}

const wasm = readFileSync(wasmPath);
const EXPORT_SECTION = 7;

/** Reads an unsigned LEB128 number at `at`: [value, the offset after it]. */
function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[at++];
    if (byte === undefined) throw new Error(`${wasmPath}: truncated at byte ${at}`);
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function encodeLeb(value) {
  const bytes = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a wasm module`);

// The export section: where it is, and each export's name and encoded bytes.
let section;
for (let at = 8; at < wasm.length; ) {
  const id = wasm[at];
  const [size, body] = leb(at + 1);
  if (id === EXPORT_SECTION) {
    const exports = [];
    let [count, cursor] = leb(body);
    for (; count > 0; count--) {
      const start = cursor;
      const [length, name] = leb(cursor);
      cursor = name + length + 1; // the name, then the export's kind (one byte)
      [, cursor] = leb(cursor); // and its index
      exports.push({ name: wasm.toString('utf8', name, name + length), bytes: wasm.subarray(start, cursor) });
    }
    section = { start: at, end: body + size, exports };
  }
  at = body + size;
}
if (!section) throw new Error(`${wasmPath}: no export section`);

const classes = section.exports.flatMap(({ name }) => name.match(/^__wbg_([a-z0-9]+)_free$/)?.[1] ?? []);
const ofClass = (name) =>
  classes.some(
    (c) =>
      name === `__wbg_${c}_free` ||
      name.startsWith(`__wbg_get_${c}_`) ||
      name.startsWith(`__wbg_set_${c}_`) ||
      name.startsWith(`${c}_`),
  );
const kept = section.exports.filter(({ name }) => !ofClass(name));
const body = Buffer.concat([encodeLeb(kept.length), ...kept.map((e) => e.bytes)]);
writeFileSync(
  wasmPath,
  Buffer.concat([
    wasm.subarray(0, section.start),
    Buffer.from([EXPORT_SECTION]),
    encodeLeb(body.length),
    body,
    wasm.subarray(section.end),
  ]),
);
console.log(
  `worker-unexport: ${section.exports.length - kept.length} exports of ${classes.length} classes dropped ` +
    `(${classes.join(', ') || 'none'}), ${kept.length} kept`,
);
