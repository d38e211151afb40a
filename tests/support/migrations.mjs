// The D1 migrations (migrations/*.sql, in order), for everything that opens a D1 database in
// Miniflare itself: the Worker test harness (support/worker.mjs) and the benches. Statements are
// split by wrangler's own splitter, so each migration runs here exactly as
// `wrangler d1 migrations apply` runs it for `make dev` and for a deployment.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { unstable_splitSqlQuery as splitSql } from 'wrangler';

export const MIGRATIONS_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'migrations');

/** The migration files' names, in the order they apply. */
export const migrationFiles = () => readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();

/** One migration file's statements. */
const statementsOf = (file) => splitSql(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));

/** Every statement of every migration, in order. */
export const migrationStatements = () => migrationFiles().flatMap(statementsOf);

/**
 * Applies to `db` (a D1 binding) the migrations not yet applied, in order, as
 * `wrangler d1 migrations apply --local` does: each file in one batch with its row in wrangler's
 * `d1_migrations` table. In-process it takes milliseconds, where a wrangler process takes
 * seconds at every start of every Worker under test.
 */
export async function applyMigrations(db) {
  await db.prepare(`CREATE TABLE IF NOT EXISTS d1_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`).run();
  const applied = new Set((await db.prepare('SELECT name FROM d1_migrations').all()).results.map((r) => r.name));
  for (const file of migrationFiles().filter((f) => !applied.has(f))) {
    const statements = statementsOf(file).map((sql) => db.prepare(sql));
    await db.batch([...statements, db.prepare('INSERT INTO d1_migrations (name) VALUES (?1)').bind(file)]);
  }
}
