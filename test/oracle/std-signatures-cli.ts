// `npm run gen:std-signatures [-- --check]`: regenerates server/src/futures/std-signatures.json
// from the rustdoc HTML installed with the toolchain; with `--check`, only says whether the
// committed file is up to date (exit 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { generateStdSignatures, renderStdSignatures, STD_SIGNATURES_FILE } from './std-signatures';
import { installedStdDocs } from './std-table';

function main(): number {
  const installed = installedStdDocs();
  if ('missing' in installed) {
    process.stderr.write(`${installed.missing}\n`);
    return 2;
  }
  const { docs, version } = installed;
  const table = generateStdSignatures(docs, version);
  const text = renderStdSignatures(table);
  if (process.argv.includes('--check')) {
    const same = readFileSync(STD_SIGNATURES_FILE, 'utf8') === text;
    process.stdout.write(
      same ? 'std-signatures.json is up to date\n' : 'std-signatures.json is stale: npm run gen:std-signatures\n',
    );
    return same ? 0 : 1;
  }
  writeFileSync(STD_SIGNATURES_FILE, text);
  const fns = Object.values(table.types).reduce((n, t) => n + Object.keys(t).length, 0);
  process.stdout.write(`${Object.keys(table.types).length} types, ${fns} fns, from ${version}\n`);
  return 0;
}

process.exit(main());
