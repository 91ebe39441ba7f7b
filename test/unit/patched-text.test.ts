// Item macros' bodies are parsed as a patched text (syntax/parser.ts `PatchedText`): the file's
// text with a few same-length pieces replaced, read by the parser piece by piece instead of built
// whole. Checked on seeded random texts and patches: the parse, spans and all, equals the parse
// of the text built whole; `editBetweenPatched` never claims a common prefix or suffix that the
// built texts do not share; a tree edited with it and reparsed equals a fresh parse; and an
// editor's analyses of a file with rewritten bodies, edit after edit, equal fresh ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createRustParser,
  editBetween,
  editBetweenPatched,
  patchedString,
  type PatchedText,
  type SyntaxNode,
  type TextPatch,
  type TextSpan,
} from '../../server/src/syntax/parser';
import { createEngine, type FileAnalysis } from '../../server/src/engine';
import { findWasmDir } from '../oracle/rust-items';
import { seededRandom, type Random } from '../seeded-random';

const PIECES = ['struct A(u8);\n', 'fn f() { g(); }\n', ' ', '\n', 'é', '😀', 'x', '{', '}', 'impl B {}\n'];

function randomText(random: Random, length: number): string {
  return Array.from({ length }, () => random.pick(PIECES)).join('');
}

/** Apart, sorted patches of the same length as what they replace, keeping line breaks. */
function randomPatches(random: Random, base: string, count: number): TextPatch[] {
  const patches: TextPatch[] = [];
  let at = 0;
  for (let i = 0; i < count && at < base.length; i++) {
    at += random.int(Math.max(1, Math.floor(base.length / count)));
    const length = 1 + random.int(20);
    if (at + length > base.length) break;
    const replaced = base.slice(at, at + length);
    const text = replaced
      .split('')
      .map((c) => (c === '\n' ? '\n' : random.pick([' ', ';', 'y'])))
      .join('');
    patches.push({ at, text });
    at += length + random.int(3);
  }
  return patches;
}

/** Sorted spans, apart, covering some of the text. */
function randomSpans(random: Random, length: number): TextSpan[] {
  const spans: TextSpan[] = [];
  for (let at = random.int(50); at < length - 1; at += 1 + random.int(200)) {
    const end = Math.min(length, at + 1 + random.int(300));
    spans.push({ start: at, end });
    at = end;
  }
  return spans;
}

function describe(node: SyntaxNode): string {
  const children = node.children.filter((c): c is SyntaxNode => c !== null).map(describe);
  return `(${node.type} ${node.startIndex}-${node.endIndex} ${JSON.stringify(node.childCount === 0 ? node.text : '')}${children.join('')})`;
}

test('a patched text parses as the text built whole, with spans and without', async () => {
  const parser = await createRustParser(findWasmDir());
  const random = seededRandom(11);
  for (let i = 0; i < 60; i++) {
    const base = randomText(random, 20 + random.int(400));
    const text: PatchedText = { base, patches: randomPatches(random, base, random.int(12)) };
    const whole = patchedString(text);
    assert.equal(whole.length, base.length);
    const spans = random.chance(0.7) ? randomSpans(random, base.length) : undefined;
    if (spans?.length === 0) continue;
    const pieces = parser.parse(text, undefined, spans);
    const built = parser.parse(whole, undefined, spans);
    try {
      assert.equal(describe(pieces.rootNode), describe(built.rootNode), `case ${i}`);
    } finally {
      pieces.delete();
      built.delete();
    }
  }
});

test('the edit between patched texts covers every difference, and an incremental parse with it is a fresh one', async () => {
  const parser = await createRustParser(findWasmDir());
  const random = seededRandom(12);
  for (let i = 0; i < 300; i++) {
    const base = randomText(random, 50 + random.int(300));
    const patches = randomPatches(random, base, random.int(10));
    const before: PatchedText = { base, patches };
    // An edit of the base (the patches before it stay, those after it move), of the patches, of
    // both, or none.
    let afterBase = base;
    let afterPatches = patches;
    let moved = (offset: number) => offset;
    if (random.chance(0.7)) {
      const at = random.int(base.length + 1);
      const cut = Math.min(random.int(10), base.length - at);
      const inserted = randomText(random, random.int(3));
      afterBase = base.slice(0, at) + inserted + base.slice(at + cut);
      moved = (offset) => (offset <= at ? offset : Math.max(at + inserted.length, offset + inserted.length - cut));
      afterPatches = patches
        .filter((p) => p.at + p.text.length <= at || p.at >= at + cut)
        .map((p) => (p.at >= at + cut && (cut > 0 || inserted.length > 0) ? { ...p, at: moved(p.at) } : p));
    }
    if (random.chance(0.4)) afterPatches = randomPatches(random, afterBase, random.int(10));
    else if (random.chance(0.3) && afterPatches.length > 0) {
      const k = random.int(afterPatches.length);
      afterPatches = afterPatches.map((p, j) => (j === k ? { ...p, text: p.text.replace(/[^\n]/, '#') } : p));
    }
    const after: PatchedText = { base: afterBase, patches: afterPatches };
    const shift = afterBase.length - base.length;
    const [a, b] = [patchedString(before), patchedString(after)];
    const edit = editBetweenPatched(before, after);
    const label = `case ${i} (shift ${shift})`;
    assert.equal(a.slice(0, edit.startIndex), b.slice(0, edit.startIndex), `${label}: prefix`);
    assert.equal(a.slice(edit.oldEndIndex), b.slice(edit.newEndIndex), `${label}: suffix`);
    assert.ok(edit.startIndex <= edit.oldEndIndex && edit.startIndex <= edit.newEndIndex, label);
    // The spans move with the edit, as item macros' bodies do.
    const spans = randomSpans(random, a.length);
    const movedSpans = spans
      .map(({ start, end }) => ({ start: moved(start), end: moved(end) }))
      .filter(({ start, end }) => start < end);
    if (spans.length === 0 || movedSpans.length === 0) continue;
    const old = parser.parse(before, undefined, spans);
    old.edit(edit);
    const again = parser.parse(after, old, movedSpans);
    const fresh = parser.parse(b, undefined, movedSpans);
    try {
      assert.equal(describe(again.rootNode), describe(fresh.rootNode), `${label}: reparse`);
    } finally {
      for (const tree of [old, again, fresh]) tree.delete();
    }
  }
});

const REWRITTEN = `use std::rc::Rc;

macro_rules! sockopt {
    ($name:ident, $level:expr) => {
        pub struct $name;
    };
}

bitflags! {
    pub struct Flags: u32 {
        const A = 1;
        const B = 2;
    }
}

sockopt!(
    /// Lets a socket reuse its address.
    ReuseAddr,
    1
);

cfg_rt! {
    pub struct Local(Rc<u8>);
}

pub struct Holder { flags: Flags, opt: ReuseAddr, local: Local }
`;

test('bodies rewritten in place (bitflags!, a unit-declaring macro) give the same verdicts edited as fresh', async () => {
  const wasmDir = findWasmDir();
  const editor = await createEngine({ wasmDir });
  const fresh = await createEngine({ wasmDir, mentions: false, reuseFutures: false, reuseExpansion: false });
  const verdicts = (analysis: FileAnalysis) =>
    analysis.types.map((t) => `${t.name}: ${JSON.stringify(t.send)} ${JSON.stringify(t.sync)}`).sort();
  const first = verdicts(fresh.analyze(REWRITTEN));
  // The rewritten bodies are read: Flags and ReuseAddr are declared, and Holder is not Send for Local alone.
  assert.ok(
    first.some((v) => v.startsWith('Flags: {"status":"yes"')),
    first.join('\n'),
  );
  assert.ok(
    first.some((v) => v.startsWith('ReuseAddr: {"status":"yes"')),
    first.join('\n'),
  );
  assert.ok(
    first.some((v) => v.startsWith('Holder: {"status":"no"')),
    first.join('\n'),
  );
  let text = REWRITTEN;
  let tree = editor.parse(text);
  const random = seededRandom(13);
  try {
    for (let i = 0; i < 40; i++) {
      // Edits before, inside and after the macro calls; each analysis equals a fresh one.
      const at = random.int(text.length + 1);
      const next = text.slice(0, at) + random.pick([' ', '\n', '', 'x']) + text.slice(at + random.int(2));
      tree.edit(editBetween(text, next));
      const reparsed = editor.parse(next, tree);
      tree.delete();
      tree = reparsed;
      text = next;
      assert.deepEqual(verdicts(editor.analyzeTree(tree, text)), verdicts(fresh.analyze(text)), `edit ${i} at ${at}`);
    }
  } finally {
    tree.delete();
  }
});
