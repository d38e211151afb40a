// The D1 migrations (migrations/*.sql, in order) as single statements, for benches that run
// the Worker in Miniflare directly and so have no `wrangler d1 migrations apply`.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'migrations');

/** The migration files' names, in the order they apply. */
export const migrationFiles = () => readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();

/** Every statement of every migration, comments dropped (no migration has `;` or `--` in a string). */
export function migrationStatements() {
  return migrationFiles().flatMap((f) =>
    readFileSync(join(MIGRATIONS_DIR, f), 'utf8')
      .split('\n')
      .map((line) => line.replace(/--.*$/, ''))
      .join('\n')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
