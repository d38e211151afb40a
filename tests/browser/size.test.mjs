// The page's weight budget (size.mjs): in every language, the page and the widget as a visitor
// downloads them, with that language's catalog only, within 30 KB gzipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BUDGET_BYTES, kb, languages, pageFiles, visitFiles, visits } from './size.mjs';

test('each language: the page and the widget, with its one catalog, within 30 KB gzipped', () => {
  const all = visits();
  assert.ok(['en', 'hi'].every((lang) => languages().includes(lang)), languages().join());
  assert.equal(all.length, 2 * languages().length);
  for (const v of all) {
    const catalogs = v.files.filter((f) => f.startsWith('i18n/'));
    assert.deepEqual(catalogs, [`i18n/${v.lang}.js`], `${v.visit} in ${v.lang}: one catalog, its own`);
    assert.ok(v.gz <= BUDGET_BYTES, `${v.visit} in ${v.lang}: ${kb(v.gz)} gzipped, over ${kb(BUDGET_BYTES)}`);
  }
});

test('every file of www/ (but vendor/ and admin/) is counted in some visit: nothing escapes the budget', () => {
  const visited = new Set([...visitFiles('page'), ...visitFiles('widget')]);
  const files = pageFiles().map((f) => f.file);
  for (const f of visited) assert.ok(files.includes(f), `${f}, which a visit downloads, exists`);
  const missed = files.filter((f) => !visited.has(f) && !f.startsWith('i18n/'));
  assert.deepEqual(missed, [], 'downloaded by neither the page nor the widget');
  for (const f of ['index.html', 'app.js', 'callback-form.js', 'i18n.js', 'style.css']) {
    assert.ok(visitFiles('page').includes(f), `the page downloads ${f}`);
  }
  for (const f of ['widget.js', 'callback-form.js', 'i18n.js', 'style.css']) {
    assert.ok(visitFiles('widget').includes(f), `the widget downloads ${f}`);
  }
});
