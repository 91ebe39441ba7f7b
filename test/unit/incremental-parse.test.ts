// The server's incremental parsing: a document's tree, edited with each LSP change and reparsed
// with the old tree, must equal a parse from scratch of the final text (same S-expression, same
// analysis with every range), over seeded random edits that include multi-byte characters,
// CRLF and lone CR line ends, reversed ranges and ranges past the end. Also: one tree per
// document, dropped on close.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { createEngine } from '../../server/src/engine';
import { createAnalysisCache } from '../../server/src/features/analysis';
import { createDocumentTrees } from '../../server/src/features/document-trees';
import { defaultSettings } from '../../server/src/features/settings';
import type { SyntaxNode, SyntaxTree } from '../../server/src/syntax/parser';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { seededRandom, type Random } from '../seeded-random';

const enginePromise = createEngine({ wasmDir: findWasmDir() });

const SNIPPETS = [
  'x',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '{',
  '}',
  '(',
  '<T>',
  'é',
  '😀',
  'struct Ü(Rc<u8>);\n',
  'unsafe impl Send for A {}\n',
  '// SAFETY: ok\n',
  '"',
  '/*',
  '*/',
  '',
];

function randomPosition(random: Random, text: string): { line: number; character: number } {
  const lines = text.split('\n').length;
  // Now and then past the last line or past a line's end: the document clamps, and so must we.
  return {
    line: random.int(lines + 2) - (random.chance(0.05) ? 3 : 0),
    character: random.int(random.chance(0.1) ? 400 : 60),
  };
}

function randomChange(random: Random, text: string): TextDocumentContentChangeEvent {
  const start = randomPosition(random, text);
  const end = random.chance(0.5) ? start : randomPosition(random, text);
  const inserted = Array.from({ length: random.int(3) }, () => random.pick(SNIPPETS)).join('');
  return { range: { start, end }, text: inserted };
}

/** Every node (or every leaf: the tokens) with its kind and its index and point span: what reused subtrees must get right. */
function describeNodes(tree: SyntaxTree, leavesOnly = false): string {
  const lines: string[] = [];
  const visit = (n: SyntaxNode, depth: number): void => {
    if (!leavesOnly || n.childCount === 0)
      lines.push(
        `${' '.repeat(leavesOnly ? 0 : depth)}${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`,
      );
    for (const child of n.children) if (child !== null) visit(child, depth + 1);
  };
  visit(tree.rootNode, 0);
  return lines.join('\n');
}

const fixtureTexts = ['verdicts', 'findings'].flatMap((dir) => {
  const folder = join(REPO_ROOT, 'test', 'fixtures', dir);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.rs'))
    .sort()
    .map((f) => readFileSync(join(folder, f), 'utf8'));
});

test('incrementally reparsed trees equal fresh parses after random edits', async () => {
  const engine = await enginePromise;
  const trees = createDocumentTrees();
  const random = seededRandom(8);
  let errorRounds = 0;
  let rounds = 0;
  for (const [index, original] of fixtureTexts.entries()) {
    const uri = `file:///fixture-${index}.rs`;
    const document = trees.configuration.create(
      uri,
      'rust',
      1,
      index % 3 === 0 ? original.replace(/\n/g, '\r\n') : original,
    );
    trees.treeFor(document, engine.parse);
    for (let round = 1; round <= 12; round++) {
      const changes = Array.from({ length: 1 + random.int(3) }, () => randomChange(random, document.getText()));
      trees.configuration.update(document, changes, round + 1);
      const text = document.getText();
      const incremental = trees.treeFor(document, engine.parse);
      const fresh = engine.parse(text);
      try {
        const label = `fixture ${index}, round ${round}, changes ${JSON.stringify(changes)}`;
        // Inside an error, tree-sitter's recovery may group the same tokens differently when it
        // reuses old subtrees (its incremental parse promises the same tree for valid text
        // only): there, what must not differ is what the user sees, the analysis.
        // The tokens themselves must be the same either way.
        if (!fresh.rootNode.hasError) assert.equal(describeNodes(incremental), describeNodes(fresh), label);
        else {
          assert.equal(describeNodes(incremental, true), describeNodes(fresh, true), label);
          errorRounds++;
        }
        rounds++;
        // The number of ERROR nodes is the recovery's grouping too (an unclosed `/*` was one error
        // reusing old subtrees, two afresh); only the CLI prints it, from fresh parses. That there
        // are errors must agree.
        const count = (a: { syntaxErrors: number }) => ({ ...a, syntaxErrors: Math.min(a.syntaxErrors, 1) });
        assert.deepEqual(count(engine.analyzeTree(incremental, text)), count(engine.analyzeTree(fresh, text)), label);
      } finally {
        fresh.delete();
      }
    }
    assert.equal(trees.count(), 1, 'one live tree per document');
    trees.forget(uri);
    assert.equal(trees.count(), 0, 'a closed document keeps no tree');
  }
  // The node-for-node comparison must still cover a share of the rounds.
  assert.ok(
    rounds - errorRounds >= rounds / 6,
    `only ${rounds - errorRounds} of ${rounds} rounds without a syntax error`,
  );
});

test('a full-text change drops the tree and the next parse starts afresh', async () => {
  const engine = await enginePromise;
  const trees = createDocumentTrees();
  const document = trees.configuration.create('file:///a.rs', 'rust', 1, 'struct A;');
  const first = trees.treeFor(document, engine.parse);
  const seen: (object | undefined)[] = [];
  trees.configuration.update(document, [{ text: 'struct B(u8);' }], 2);
  const second = trees.treeFor(document, (text, old) => {
    seen.push(old);
    return engine.parse(text, old);
  });
  assert.deepEqual(seen, [undefined], 'no old tree after a full-text change');
  assert.notEqual(second, first);
  assert.equal(second.rootNode.text, 'struct B(u8);');
});

test('an unchanged document reuses its tree; a change gets a new revision even with the same version', async () => {
  const engine = await enginePromise;
  const trees = createDocumentTrees();
  const document = trees.configuration.create('file:///a.rs', 'rust', 1, 'struct A;');
  const tree = trees.treeFor(document, engine.parse);
  assert.equal(trees.treeFor(document, engine.parse), tree);
  const before = trees.revision(document.uri);
  trees.configuration.update(
    document,
    [{ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } }, text: '(u8)' }],
    1,
  );
  assert.notEqual(trees.revision(document.uri), before);
  assert.equal(trees.treeFor(document, engine.parse).rootNode.text, 'struct A(u8);');
});

test('only the most recently analysed documents keep a tree', async () => {
  const engine = await enginePromise;
  const trees = createDocumentTrees(2);
  const documents = [1, 2, 3].map((n) => trees.configuration.create(`file:///d${n}.rs`, 'rust', 1, `struct S${n};`));
  for (const document of documents) trees.treeFor(document, engine.parse);
  assert.equal(trees.count(), 2);
  // The first document's tree was evicted: it parses from scratch, and evicts the second's.
  const olds: (object | undefined)[] = [];
  trees.treeFor(documents[0], (text, old) => (olds.push(old), engine.parse(text, old)));
  trees.configuration.update(
    documents[1],
    [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }],
    2,
  );
  trees.treeFor(documents[1], (text, old) => (olds.push(old), engine.parse(text, old)));
  assert.deepEqual(olds, [undefined, undefined]);
  assert.equal(trees.count(), 2);
});

test('an analysis whose document lost its tree frees the trees kept for its mentions', async () => {
  const engine = await enginePromise;
  const trees = createDocumentTrees(1);
  const logger = { info: () => undefined, error: (message: string) => assert.fail(message) };
  const cache = createAnalysisCache(engine, trees, logger);
  const settings = defaultSettings();
  const text = 'pub struct A(u8);\npub fn f(_: A) {}\n';
  const a = trees.configuration.create('file:///a.rs', 'rust', 1, text);
  const b = trees.configuration.create('file:///b.rs', 'rust', 1, text);
  const first = cache.get(a, settings);
  cache.get(b, settings); // one tree kept: a's goes, and with it what its analysis kept
  assert.equal(trees.hasTree(a.uri), false);
  assert.deepEqual(first.mentions, [], 'the evicted analysis kept no tree to find mentions in');
  const again = cache.get(a, settings);
  assert.notEqual(again, first, 'analysed again');
  assert.ok(
    (again.mentions ?? []).some((m) => m.range.start.line === 1),
    'the mention of A in f',
  );
});
