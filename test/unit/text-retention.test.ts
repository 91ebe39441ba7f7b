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
const FILE_BYTES = 2_000_000;

test('the texts of analysed files are not kept by the caches once the files are gone', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false, reuseFutures: false });
  // Warm the engine first (std tables, compiled code), then measure files alone.
  engine.analyze('use std::rc::Rc;\npub struct W(Rc<u8>);\n');
  const before = heapAfterCollection();
  for (let i = 0; i < FILES; i++) {
    // One long comment (a single token: cheap to parse) makes the file big; each file distinct,
    // and each with a `use` whose text is long enough to be a view into the file's text.
    const text = `// ${String(i).repeat(FILE_BYTES)}\nuse some_crate::some_module::{Alpha${i}, beta_gamma_delta${i}};\npub struct S${i}(Alpha${i});\n`;
    const analysis = engine.analyze(text);
    assert.equal(analysis.types[0]?.name, `S${i}`);
  }
  const kept = heapAfterCollection() - before;
  // Kept texts would be FILES * FILE_BYTES (12 MB); the caches' own entries are a few KB.
  assert.ok(kept < FILE_BYTES, `the heap kept ${(kept / 1e6).toFixed(1)} MB after the files were analysed and dropped`);
});
