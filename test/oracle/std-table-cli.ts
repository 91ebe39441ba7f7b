// `npm run gen:std-table [-- --check]`: regenerates server/src/model/std-table.json from the
// rustdoc HTML installed with the toolchain (`rustup component add rust-docs`); with `--check`,
// only says whether the committed file is up to date (exit 1 if not).
// `npm run check:std-table`: asks rustc about every generated row that has a sample (see
// std-table-check.ts), each parameter set in turn to each probe.
import { readFileSync, writeFileSync } from 'node:fs';
import { generateStdTable, renderStdTable, STD_TABLE_FILE, installedStdDocs, type GeneratedTable } from './std-table';
import { checkRows, sampledRows } from './std-table-check';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--rustc')) {
    const table = JSON.parse(readFileSync(STD_TABLE_FILE, 'utf8')) as GeneratedTable;
    const rows = sampledRows(table);
    const started = Date.now();
    const problems = await checkRows(rows);
    process.stdout.write(
      `${rows.length} of ${table.rows.length} generated rows checked with rustc in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `${problems.length} disagreements\n${problems.map((p) => `  ${p}\n`).join('')}`,
    );
    return problems.length ? 1 : 0;
  }
  const installed = installedStdDocs();
  if ('missing' in installed) {
    process.stderr.write(`${installed.missing}\n`);
    return 2;
  }
  const { docs, version } = installed;
  const text = renderStdTable(generateStdTable(docs, version));
  if (args.includes('--check')) {
    const same = readFileSync(STD_TABLE_FILE, 'utf8') === text;
    process.stdout.write(same ? 'std-table.json is up to date\n' : 'std-table.json is stale: npm run gen:std-table\n');
    return same ? 0 : 1;
  }
  writeFileSync(STD_TABLE_FILE, text);
  const table = JSON.parse(text) as GeneratedTable;
  process.stdout.write(
    `${table.rows.length} rows (${table.rows.filter((r) => r.sample).length} with a sample), ${table.omitted.length} omitted, from ${version}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
