// The editor's analyses report their types' verdicts when first read, not while the diagnostics
// are made (engine/analysis.ts lazyReads): read in any order with the mentions, and after the
// macro expansions that declare some of the types are freed, they are the CLI's own (computed at
// once); an analysis released before anyone read them reports none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine, releaseAnalysis, type FileAnalysis } from '../../server/src/engine';
import { findWasmDir } from '../oracle/rust-items';

const TEXT = `use std::cell::Cell;
use std::rc::Rc;

macro_rules! items {
    ($($i:item)*) => { $($i)* };
}

items! {
    pub struct FromMacro(Rc<u8>);
    pub struct AlsoFromMacro<T>(T);
}

pub struct Plain(Cell<u8>);
pub struct Holder { from_macro: FromMacro, plain: Plain }
unsafe impl Send for Plain {}

fn use_them(h: Holder, p: Plain) -> (Holder, Plain) { (h, p) }
`;

/** Each type as the user reads it: name, Send and Sync verdicts. */
function verdicts(analysis: FileAnalysis): string[] {
  return analysis.types.map((t) => `${t.name}: Send ${JSON.stringify(t.send)}, Sync ${JSON.stringify(t.sync)}`);
}

test('types read after the mentions (their expansions freed) are the eager analysis types', async () => {
  const wasmDir = findWasmDir();
  const editor = await createEngine({ wasmDir });
  const cli = await createEngine({ wasmDir, mentions: false, reuseFutures: false, reuseExpansion: false });
  const eager = cli.analyze(TEXT);
  assert.deepEqual(eager.types.map((t) => t.name).sort(), ['AlsoFromMacro', 'FromMacro', 'Holder', 'Plain']);

  const tree = editor.parse(TEXT);
  try {
    const mentionsFirst = editor.analyzeTree(tree, TEXT);
    assert.ok((mentionsFirst.mentions ?? []).length > 0, 'the mentions of Plain and Holder are found');
    assert.deepEqual(verdicts(mentionsFirst), verdicts(eager));
    assert.deepEqual(mentionsFirst.types, eager.types);

    const typesFirst = editor.analyzeTree(tree, TEXT);
    assert.deepEqual(typesFirst.types, eager.types);
    assert.ok((typesFirst.mentions ?? []).length > 0);
    assert.deepEqual(typesFirst.findings, eager.findings);
  } finally {
    tree.delete();
  }
});

test('an editor analysis released before its types were read reports none; read before, they stay', async () => {
  const editor = await createEngine({ wasmDir: findWasmDir() });
  const tree = editor.parse(TEXT);
  try {
    const unread = editor.analyzeTree(tree, TEXT);
    const read = editor.analyzeTree(tree, TEXT);
    const before = verdicts(read);
    assert.ok(
      before.some((v) => v.startsWith('FromMacro: Send {"status":"no"')),
      before.join('\n'),
    );
    releaseAnalysis(unread);
    releaseAnalysis(read);
    assert.deepEqual(unread.types, []);
    assert.deepEqual(verdicts(read), before);
    // The findings were made at once, whatever is read later.
    assert.equal(unread.findings.length, read.findings.length);
  } finally {
    tree.delete();
  }
});
