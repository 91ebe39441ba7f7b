// What the engine keeps across files (caches that outlive a tree, such as the effects of `use`
// declarations by their text) must not keep the files' texts: a piece of a string is, in V8, a
// view that keeps the whole string alive, and a cache of thousands of pieces held every file the
// CLI or the server had read (a registry's check kept 17 MB more after 60 crates).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createEngine } from '../../server/src/engine';
import { findWasmDir } from '../oracle/rust-items';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterCollection(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const FILES = 6;
const FILE_BYTES = 4_000_000;

test('the texts of analysed files are not kept by the caches once the files are gone', async () => {
  // As the CLI runs it: an editor's engine keeps its last document's macro text (to reparse the next
  // version of it incrementally), which is one file by design.
  const engine = await createEngine({
    wasmDir: findWasmDir(),
    mentions: false,
    reuseFutures: false,
    reuseExpansion: false,
  });
  // One long comment (a single token: cheap to parse) makes a file big; each file is distinct,
  // and each has a `use` whose text is long enough to be a view into the file's text.
  const file = (i: number, bytes: number): string =>
    `// ${String(i % 10).repeat(bytes)}\nuse some_crate::some_module::{Alpha${i}, beta_gamma_delta${i}};\npub struct S${i}(Alpha${i});\n`;
  // Warm the engine first (std tables, compiled code) on small files of the same shape.
  for (let i = 0; i < 3; i++) engine.analyze(file(100 + i, 10));
  const before = heapAfterCollection();
  for (let i = 0; i < FILES; i++) assert.equal(engine.analyze(file(i, FILE_BYTES)).types[0]?.name, `S${i}`);
  const kept = heapAfterCollection() - before;
  // Kept texts would be FILES * FILE_BYTES (24 MB). The last file may stay (V8 keeps the last
  // string a regular expression searched), the caches' own entries are a few KB, and the heap
  // moves by a MB or two from run to run.
  assert.ok(
    kept < 2 * FILE_BYTES,
    `the heap kept ${(kept / 1e6).toFixed(1)} MB after the files were analysed and dropped`,
  );
});
