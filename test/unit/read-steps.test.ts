// Reading a crate a step at a time, as the language server does while it indexes: a file's parse
// may stop part way and go on at the next step, with requests answered between. A parse stopped
// as often as it can be must give the tree of a parse at once (also with other parses between,
// and with another parse in parts taking turns), and a crate read that way must answer as one
// read at once.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine, type TreeEngine } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { Project } from '../../server/src/engine/project';
import { requiresText } from '../../server/src/present/verdict-text';
import type { SyntaxTree, TextSpan } from '../../server/src/syntax/parser';
import { readSpans, skimmedDependency, withItemMacroBodiesBlanked } from '../../server/src/syntax/skim';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const enginePromise = createEngine({ wasmDir: findWasmDir(), mentions: false });

function rustFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith('.rs') ? [path] : [];
  });
}

/** Parses `text` with a stop asked for at every chance: the tree, and how many calls it took. */
function parseInParts(engine: TreeEngine, text: string, spans?: readonly TextSpan[]): { sexp: string; parts: number } {
  for (let parts = 1; ; parts++) {
    const tree = engine.parsePart!(text, () => true, spans);
    if (tree) {
      assert.equal(tree.getIncludedRanges().length, spans?.length ?? 1);
      const sexp = spans ? shape(tree) : tree.rootNode.toString();
      tree.delete();
      return { sexp, parts };
    }
  }
}

/** Every node of a tree, named or not, with its place: two trees alike are the same node for node. */
function shape(tree: SyntaxTree): string {
  const out: string[] = [];
  const cursor = tree.walk();
  for (let down = true; ;) {
    if (down) {
      const { row, column } = cursor.startPosition;
      const end = cursor.endPosition;
      out.push(`${cursor.nodeType} ${cursor.startIndex}-${cursor.endIndex} ${row}:${column}-${end.row}:${end.column}`);
      if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) down = true;
    else if (cursor.gotoParent()) down = false;
    else break;
  }
  cursor.delete();
  return out.join('\n');
}

/** The texts of the `count` largest Rust files of the fixtures, the largest first. */
function largestFixtures(count: number): string[] {
  return rustFiles(join(REPO_ROOT, 'test', 'fixtures'))
    .map((f) => readFileSync(f, 'utf8'))
    .sort((a, b) => b.length - a.length)
    .slice(0, count);
}

function parsedAtOnce(engine: TreeEngine, text: string): string {
  const tree = engine.parse(text);
  const sexp = tree.rootNode.toString();
  tree.delete();
  return sexp;
}

test('a parse stopped at every chance and gone on gives the tree of a parse at once', async () => {
  const engine = await enginePromise;
  const texts = largestFixtures(6);
  const partsOf = new Map<string, number>();
  for (const text of texts) {
    const { sexp, parts } = parseInParts(engine, text);
    partsOf.set(text, parts);
    assert.ok(parts > 1, `a file of ${text.length} characters was parsed in one call`);
    assert.equal(sexp, parsedAtOnce(engine, text));
  }
  // Two parses in parts taking turns (two readings of crates at once), with parses at once
  // between: each goes on where it stopped, and both end (a parser shared by the two would start
  // each afresh at every turn, and neither would end).
  const [first, second] = texts;
  const trees = new Map<string, string>();
  const turns = partsOf.get(first)! + partsOf.get(second)!;
  for (let turn = 0; trees.size < 2; turn++) {
    assert.ok(turn <= turns, 'two parses taking turns did not end');
    for (const text of [first, second]) {
      if (trees.has(text)) continue;
      const tree = engine.parsePart!(text, () => true);
      if (tree) trees.set(text, tree.rootNode.toString());
      tree?.delete();
      if (turn % 10 === 0) engine.parse(texts[2]).delete();
    }
  }
  assert.equal(trees.get(first), parsedAtOnce(engine, first));
  assert.equal(trees.get(second), parsedAtOnce(engine, second));
});

test("a dependency's file parsed without its blanks, at once or in parts, gives the tree of a parse of all its text", async () => {
  const engine = await enginePromise;
  const texts = largestFixtures(12);
  let skipped = 0;
  for (const text of texts) {
    const blanked = withItemMacroBodiesBlanked(skimmedDependency(text));
    const spans = readSpans(blanked);
    assert.ok(spans && spans.length > 1, 'nothing blanked');
    skipped += blanked.text.length - spans.reduce((n, s) => n + s.end - s.start, 0);
    const whole = engine.parse(blanked.text);
    const expected = shape(whole);
    whole.delete();
    const atOnce = engine.parse(blanked.text, undefined, spans);
    // Read as told (the blanks skipped), yet the same tree.
    assert.equal(atOnce.getIncludedRanges().length, spans.length);
    assert.equal(shape(atOnce), expected);
    atOnce.delete();
    const { sexp, parts } = parseInParts(engine, blanked.text, spans);
    assert.ok(parts > 1, 'parsed in one call');
    assert.equal(sexp, expected);
  }
  assert.ok(skipped > 10_000, `only ${skipped} characters left unread`);
});

function snapshot(project: Project): string[] {
  return project
    .localFiles()
    .sort()
    .flatMap((file) =>
      project
        .analyzeFile(file)!
        .types.map(
          (t) =>
            `${file.split('/').slice(-2).join('/')} ${t.path} Send ${t.send.status} ${requiresText(t.send).join(',')} Sync ${t.sync.status} ${requiresText(t.sync).join(',')}`,
        ),
    );
}

test('a crate read a step at a time, each parse stopped at every chance, answers as one read at once', async () => {
  const engine = await enginePromise;
  const dir = mkdtempSync(join(tmpdir(), 'rss-steps-'));
  try {
    for (const name of ['app', 'helper', 'gated'])
      cpSync(join(REPO_ROOT, 'test', 'fixtures', 'crates', name), join(dir, name), { recursive: true });
    for (const name of ['app', 'gated']) {
      const crate = join(dir, name);
      /** The text of each parsePart call, and after how many steps it was made. */
      const calls: { text: string; step: number }[] = [];
      let step = 0;
      const stopping: TreeEngine = {
        ...engine,
        parsePart: (text, _stop, spans) => {
          calls.push({ text, step });
          return engine.parsePart!(text, () => true, spans);
        },
      };
      const stepped = new Project(stopping, nodeFileSystem, { HOME: '/nonexistent' });
      stepped.defer(crate);
      for (const steps = stepped.readSteps(join(crate, 'src', 'lib.rs')); steps.next().done !== true;) step++;
      // A file's parse went on over several steps: requests are answered between its parts.
      const spread = calls.some((c, i) => i > 0 && calls[i - 1].text === c.text && calls[i - 1].step < c.step);
      assert.ok(spread, `${name}: no parse went on over two steps (${calls.length} calls, ${step} steps)`);
      // Read at once, each file parsed at once too.
      const whole: TreeEngine = { ...engine };
      delete whole.parsePart;
      const atOnce = new Project(whole, nodeFileSystem, { HOME: '/nonexistent' });
      atOnce.open(crate);
      const expected = snapshot(atOnce);
      assert.ok(expected.length > 0, `${name}: no types`);
      assert.deepEqual(snapshot(stepped), expected, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
