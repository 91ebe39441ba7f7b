// What a node's text names, from one search of its tree: the same answers as searching the
// node's own text, for every node, in files of the repository's futures fixtures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { capturedHashes, mentions, nameHash } from '../../server/src/futures/words';
import { createRustParser, type SyntaxNode } from '../../server/src/syntax/parser';
import { findWasmDir } from '../oracle/rust-items';

const FIXTURES = join(__dirname, '..', 'fixtures', 'futures');
const PATTERNS = [/\basync\b/, /\basync\b|\bspawn\b|\bArc::new\b/, /\bawait\b/];
/** A called name, as the futures analysis looks for them. */
const CALLED = /\b([A-Za-z_]\w*)\s*(?:::\s*<[^()]*>\s*)?\(/;

function* allNodes(node: SyntaxNode): Generator<SyntaxNode> {
  yield node;
  for (const child of node.children) if (child) yield* allNodes(child);
}

/** Every node's answers against its own text's. */
function checkAll(label: string, root: SyntaxNode): { yes: number; no: number } {
  const counts = { yes: 0, no: 0 };
  for (const node of allNodes(root)) {
    for (const pattern of PATTERNS) {
      const expected = pattern.test(node.text);
      assert.equal(mentions(node, pattern), expected, `${label}: ${node.type} at ${node.startIndex}: ${pattern}`);
      if (expected) counts.yes++;
      else counts.no++;
    }
    assert.deepEqual(
      capturedHashes(node, CALLED),
      [...node.text.matchAll(new RegExp(CALLED.source, 'g'))].map((m) => nameHash(m[1])),
      `${label}: ${node.type} at ${node.startIndex}`,
    );
  }
  return counts;
}

test('mentions and capturedHashes answer as the node text does, for every node of the futures fixtures', async () => {
  const parser = await createRustParser(findWasmDir());
  const texts = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.rs'))
    .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
  let yes = 0;
  let no = 0;
  for (const [i, text] of texts.entries()) {
    // Leading blanks: the root's text starts at its first token, the indices at the text's start.
    const tree = parser.parse(`\n\n  ${text}`);
    const counts = checkAll(`fixture ${i}`, tree.rootNode);
    yes += counts.yes;
    no += counts.no;
    tree.delete();
  }
  // Both answers are asked many times (the fixtures are async code, most nodes are not).
  assert.ok(yes > 1000 && no > 1000, `${yes} yes, ${no} no`);
  // All of them at once, in fns nested ten deep: past the first nodes, the answers come from the
  // tree's search.
  const nested = `${'fn wrap() {\n'.repeat(10)}${texts.join('\n')}${'}\n'.repeat(10)}`;
  const tree = parser.parse(`  ${nested}`);
  checkAll('nested', tree.rootNode);
  tree.delete();
});

test('a word that starts just before a node or at its end is not in it, in both ways of searching', async () => {
  const parser = await createRustParser(findWasmDir());
  const pad = `/*${' '.repeat(5000)}*/`;
  const tree = parser.parse(`fn a() { ${pad} async {}; }fn b() { ${pad} }\nfn c() { ${pad} x.spawn(f) }`);
  const [a, b, c] = tree.rootNode.namedChildren as SyntaxNode[];
  const patterns = [/\basync\b/, /\bfn\b/, /\bspawn\b/, /\}fn/, CALLED];
  const check = () => {
    assert.equal(mentions(a, /\basync\b/), true);
    assert.equal(mentions(b, /\basync\b/), false);
    assert.equal(mentions(a.childForFieldName('body')!, /\bfn\b/), false);
    assert.equal(mentions(b, /\bfn\b/), true);
    assert.equal(mentions(c, /\bspawn\b/), true);
    assert.deepEqual(capturedHashes(c, CALLED), [nameHash('c'), nameHash('spawn')]);
    assert.deepEqual(capturedHashes(b.childForFieldName('body')!, CALLED), []);
    // A match that starts at a's last brace and ends in b is in neither.
    assert.equal(mentions(a, /\}fn/), false);
    assert.equal(mentions(b, /\}fn/), false);
    assert.equal(mentions(tree.rootNode, /\}fn/), true);
  };
  // Each node's own text first; once the whole text has been searched twice over, the tree's.
  check();
  for (const pattern of patterns) for (let i = 0; i < 3; i++) mentions(tree.rootNode, pattern);
  check();
  tree.delete();
});

test('names hash apart, and the same name hashes the same', () => {
  const names = ['spawn', 'require_send', 'execute', 'run', 'spawn_blocking', 'a', 'b', ''];
  assert.equal(new Set(names.map(nameHash)).size, names.length);
  assert.equal(nameHash('require_send'), nameHash('require_' + 'send'));
});
