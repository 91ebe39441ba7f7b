// The floor the CLI is measured against: the same files found the same way (folders walked for
// `.rs`, build and VCS folders skipped), read and decoded as the CLI reads them, and parsed with
// the same web-tree-sitter and the same grammar wasm (dist/), in a plain Node process like
// `node dist/cli.js`. Nothing is analysed. Prints the file count and bytes as JSON on stdout.
// Usage: node bench/floor.cjs PATH...
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { Language, Parser } = require('web-tree-sitter');

const SKIPPED = new Set(['target', '.git', 'node_modules']);
const WASM_DIR = join(__dirname, '..', 'dist');

function walk(folder, files) {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) walk(path, files);
    } else if (entry.name.endsWith('.rs') && (entry.isFile() || entry.isSymbolicLink())) files.push(path);
  }
}

async function main(paths) {
  await Parser.init({ locateFile: (file) => join(WASM_DIR, file) });
  const parser = new Parser();
  parser.setLanguage(await Language.load(join(WASM_DIR, 'tree-sitter-rust.wasm')));
  const files = [];
  for (const path of paths) statSync(path).isDirectory() ? walk(path, files) : files.push(path);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  for (const file of files) {
    const buffer = readFileSync(file);
    bytes += buffer.length;
    if (buffer.includes(0)) continue;
    parser.parse(decoder.decode(buffer)).delete();
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, bytes })}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 2;
});
