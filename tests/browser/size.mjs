// The page's weight: www's own HTML, CSS, JS and SVG (not www/vendor, the core's wasm build,
// which is loaded lazily and counted apart, nor www/admin, the operator's dashboard, which no
// visitor loads), each file gzipped at level 9 as it would be sent, counted as a visitor
// downloads it in one language: the page (index.html, what it links, the modules those import)
// or the widget (widget.js and what it loads), and that language's catalog (www/i18n/<lang>.js),
// never the other catalogs. size.test.mjs fails any visit over the budget of 30 KB.
// Prints a Markdown table for `make bench`; exits 1 over the budget.
//
//   node tests/browser/size.mjs            | page in en (gzip) | 28.7 KB | 10 files | budget 30 KB |
//   node tests/browser/size.mjs --files    also one row per file
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, posix, relative } from 'node:path';
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
      out.push({ file: relative(WWW, path).split('\\').join('/'), raw: data.length, gz: gzipSync(data, { level: 9 }).length });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** The languages, from their catalogs: ['en', 'hi']. */
export function languages() {
  return readdirSync(join(WWW, 'i18n')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
}

// What each way in fetches by itself: index.html's href/src, widget.js's `${base}file`.
const ENTRIES = {
  page: { file: 'index.html', refs: /(?:href|src)="([^":?#]+)"/g },
  widget: { file: 'widget.js', refs: /\$\{base\}([\w./-]+)/g },
};
// A module's static imports (`import … from './x.js'`, `import './x.js'`); dynamic ones (the
// core's wasm, the catalog) are not part of the download until used.
const IMPORTS = /^\s*import\s(?:[^'"]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The files (relative to www/) a visitor downloads to use the page or the widget, without a catalog. */
export function visitFiles(visit) {
  const { file, refs } = ENTRIES[visit];
  const read = (f) => readFileSync(join(WWW, f), 'utf8');
  const found = new Set([file]);
  const follow = (f) => {
    if (!f.endsWith('.js')) return;
    for (const [, spec] of read(f).matchAll(IMPORTS)) {
      const next = posix.join(posix.dirname(f), spec);
      if (!found.has(next)) {
        found.add(next);
        follow(next);
      }
    }
  };
  for (const [, ref] of read(file).matchAll(refs)) found.add(posix.normalize(ref));
  for (const f of [...found]) follow(f);
  return [...found].sort();
}

/** [{visit, lang, files, gz}]: each way in, in each language, with that language's catalog. */
export function visits(files = pageFiles()) {
  const gz = new Map(files.map((f) => [f.file, f.gz]));
  return Object.keys(ENTRIES).flatMap((visit) => languages().map((lang) => {
    const downloaded = [...visitFiles(visit), `i18n/${lang}.js`];
    return { visit, lang, files: downloaded, gz: downloaded.reduce((sum, f) => sum + (gz.get(f) ?? 0), 0) };
  }));
}

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = pageFiles();
  if (process.argv.includes('--files')) {
    for (const f of files) console.log(`| www/${f.file} | ${kb(f.gz)} | ${kb(f.raw)} raw | |`);
  }
  let over = false;
  for (const v of visits(files)) {
    console.log(`| ${v.visit} in ${v.lang} (gzip) | ${kb(v.gz)} | ${v.files.length} files | budget ${kb(BUDGET_BYTES)} |`);
    if (v.gz > BUDGET_BYTES) {
      console.error(`size: the ${v.visit} in ${v.lang} is ${kb(v.gz)} gzipped, over the ${kb(BUDGET_BYTES)} budget`);
      over = true;
    }
  }
  if (over) process.exit(1);
}
