// The page's weight: www's own HTML, CSS, JS and SVG (not www/vendor, the core's wasm build,
// which is loaded lazily and counted apart, nor www/admin, the operator's dashboard, which no
// visitor loads), each file gzipped at level 9 as it would be sent.
// Prints a Markdown table row for `make bench`; exits 1 over the budget of 30 KB.
//
//   node tests/browser/size.mjs            | page (www HTML+CSS+JS, gzip) | 14.1 KB | 9 files | budget 30 KB |
//   node tests/browser/size.mjs --files    also one row per file
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WWW = fileURLToPath(new URL('../../www/', import.meta.url));
export const BUDGET_BYTES = 30 * 1024;
const COUNTED = new Set(['.html', '.css', '.js', '.mjs', '.svg']);

/** [{file, raw, gz}] for every counted file under www/ except www/vendor/ and www/admin/. */
export function pageFiles(dir = WWW) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['vendor', 'admin'].includes(relative(WWW, path))) out.push(...pageFiles(path));
    } else if (COUNTED.has(extname(entry.name))) {
      const data = readFileSync(path);
      out.push({ file: relative(WWW, path), raw: data.length, gz: gzipSync(data, { level: 9 }).length });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = pageFiles();
  const gz = files.reduce((sum, f) => sum + f.gz, 0);
  if (process.argv.includes('--files')) {
    for (const f of files) console.log(`| www/${f.file} | ${kb(f.gz)} | ${kb(f.raw)} raw | |`);
  }
  console.log(`| page (www HTML+CSS+JS, gzip) | ${kb(gz)} | ${files.length} files | budget ${kb(BUDGET_BYTES)} |`);
  if (gz > BUDGET_BYTES) {
    console.error(`size: the page is ${kb(gz)} gzipped, over the ${kb(BUDGET_BYTES)} budget`);
    process.exit(1);
  }
}
