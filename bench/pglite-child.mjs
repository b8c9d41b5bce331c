// Raw PGlite, none of Santana's code: the baseline for the embedded-database figures of bench/platform.ts.
// Usage: node bench/pglite-child.mjs <dataDir> open|load
//   open: opens the directory, answers SELECT 1, prints "ready", closes and exits.
//   load: also runs a small load of queries, prints "loaded", then idles until SIGTERM.
import { PGlite } from '@electric-sql/pglite';

const [dataDir, mode = 'open'] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: node bench/pglite-child.mjs <dataDir> open|load\n');
  process.exit(2);
}

const db = await PGlite.create(dataDir);
await db.query('SELECT 1');
process.stdout.write('ready\n');

if (mode === 'open') {
  await db.close();
  process.exit(0);
}

// A small load, about what an idle service does at start and on its first requests.
await db.exec(
  'CREATE TABLE IF NOT EXISTS bench_load (id serial PRIMARY KEY, body text NOT NULL, at timestamptz DEFAULT now())',
);
for (let batch = 0; batch < 20; batch++) {
  const values = Array.from({ length: 50 }, (_, i) => `('row ${batch * 50 + i} ${'x'.repeat(100)}')`).join(',');
  await db.exec(`INSERT INTO bench_load (body) VALUES ${values}`);
}
for (let i = 0; i < 500; i++) {
  await db.query('SELECT id, body FROM bench_load WHERE id = $1', [1 + (i % 1000)]);
}
await db.query('SELECT count(*) FROM bench_load');
await db.query('SELECT * FROM pg_catalog.pg_tables');
await db.exec('DROP TABLE bench_load');
process.stdout.write('loaded\n');

const idle = setInterval(() => {}, 60_000);
process.once('SIGTERM', () => {
  clearInterval(idle);
  void db.close().then(() => process.exit(0));
});
