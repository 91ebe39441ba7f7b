// What the engine keeps across files (caches that outlive a tree, such as the effects of `use`
// declarations by their text) must not keep the files' texts: a piece of a string is, in V8, a
// view that keeps the whole string alive, and a cache of thousands of pieces held every file the
// CLI or the server had read (a registry's check kept 17 MB more after 60 crates).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createEngine, releaseAnalysis, type FileAnalysis } from '../../server/src/engine';
import { createRustParser } from '../../server/src/syntax/parser';
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

test("an editor's futures results kept for the next edit do not keep each edit's text", async () => {
  // The editor keeps each fn's futures results from one analysis to the next (fn-reuse.ts) and
  // walks again only the fns an edit changed: results of many edits ago stay. Each edit here
  // changes another fn; had its results kept views into that edit's text, the engine would hold
  // a text per edit.
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const fns = 8;
  const file = (edited: number, bytes: number): string =>
    `// ${'x'.repeat(bytes)}\nasync fn ready() {}\n` +
    Array.from(
      { length: fns },
      (_, i) => `pub async fn step_${i}() {\n    let value_${i} = ${i < edited ? 2 : 1};\n    ready().await;\n}\n`,
    ).join('');
  // As the server does: an analysis replaced by the next one is released.
  let last: FileAnalysis | undefined;
  const steps = (text: string) => {
    if (last) releaseAnalysis(last);
    last = engine.analyze(text);
    return last.futures?.filter((f) => f.name.startsWith('step_')).length;
  };
  for (let i = 0; i <= fns; i++) steps(file(i, 10));
  const before = heapAfterCollection();
  for (let i = 0; i <= fns; i++) assert.equal(steps(file(i, FILE_BYTES)), fns);
  const kept = heapAfterCollection() - before;
  // The last text stays (the next edit reparses against it), and the reuse keys hold its skeleton:
  // a few texts' worth, never one per edit (9 here).
  assert.ok(kept < 5 * FILE_BYTES, `the heap kept ${(kept / 1e6).toFixed(1)} MB over ${fns + 1} edits of a 4 MB file`);
  assert.ok(engine.futuresStats!.reused > 0, 'the unchanged fns were reused');
});

test('a node kept does not keep the nodes listed under it', async () => {
  // The parser library caches a node's children on the node once read; an analysis keeps some
  // nodes (an item's, a field type's) for as long as it lives, and with the cache those kept
  // every node ever listed under them, which each edit's collections then copied.
  const parser = await createRustParser(findWasmDir());
  const tree = parser.parse('mod a {\n    /// one\n    fn f() {}\n    /// two\n    struct S;\n}\n');
  try {
    const kept = tree.rootNode.namedChildren[0]!;
    const body = kept.childForFieldName('body')!;
    let listed: WeakRef<object>[] = [];
    const read = () => {
      listed = body.namedChildren.map((n) => new WeakRef(n!));
      return listed.length;
    };
    assert.equal(read(), 4, 'two doc comments, a fn and a struct');
    await new Promise((resolve) => setImmediate(resolve));
    heapAfterCollection();
    assert.ok(kept.type === 'mod_item' && body.type === 'declaration_list', 'the kept nodes are still in use');
    assert.equal(
      listed.filter((r) => r.deref() !== undefined).length,
      0,
      'the listed children were kept with their parent',
    );
  } finally {
    tree.delete();
  }
});
