#!/usr/bin/env bash
# Fails, naming them, when functions of `core::fmt` reach the npm package's wasm.
#
# The package's size budget is why the core writes its text without `core::fmt` (src/small_std.rs
# says so); one `format!` or `{:?}` on a path the package reaches brings the formatting machinery
# back (about 4 KB gzipped). rustc's wasm keeps a names section until wasm-opt strips it, so the
# unoptimised output of `cargo build` says exactly which functions came in.
#
# Usage: scripts/check-no-fmt.sh path/to/exotel_connect_npm.wasm
set -euo pipefail
wasm=${1:?usage: scripts/check-no-fmt.sh WASM}
node - "$wasm" <<'JS'
const fs = require('fs');
const module = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const [section] = WebAssembly.Module.customSections(module, 'name');
if (!section) {
  console.error(`${process.argv[2]} has no names section: cannot tell whether core::fmt is in it`);
  process.exit(1);
}
const bytes = new Uint8Array(section);
let at = 0;
const leb = () => {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return value;
};
const names = [];
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 1) { // function names
    for (let count = leb(); count > 0; count--) {
      leb();
      const length = leb();
      names.push(Buffer.from(bytes.subarray(at, at + length)).toString('utf8'));
      at += length;
    }
  }
  at = end;
}
const fmt = names.filter((name) => /core::fmt|4core3fmt/.test(name));
if (fmt.length) {
  console.error(`core::fmt reached the npm package's wasm (${fmt.length} functions; see src/small_std.rs):`);
  for (const name of fmt.slice(0, 40)) console.error(`  ${name}`);
  process.exit(1);
}
console.error(`[check-no-fmt] ${names.length} functions, none from core::fmt`);
JS
