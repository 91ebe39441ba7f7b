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

test('mentions and capturedHashes answer as the node text does, for every node of the futures fixtures', async () => {
  const parser = await createRustParser(findWasmDir());
  let yes = 0;
  let no = 0;
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.rs'))) {
    // Leading blanks: the root's text starts at its first token, the indices at the text's start.
    const tree = parser.parse(`\n\n  ${readFileSync(join(FIXTURES, name), 'utf8')}`);
    for (const node of allNodes(tree.rootNode))
      for (const pattern of PATTERNS) {
        const expected = pattern.test(node.text);
        assert.equal(mentions(node, pattern), expected, `${name}: ${node.type} at ${node.startIndex}: ${pattern}`);
        if (expected) yes++;
        else no++;
      }
    for (const node of allNodes(tree.rootNode))
      assert.deepEqual(
        capturedHashes(node, CALLED),
        [...node.text.matchAll(new RegExp(CALLED.source, 'g'))].map((m) => nameHash(m[1])),
        `${name}: ${node.type} at ${node.startIndex}`,
      );
    tree.delete();
  }
  // Both answers are asked many times (the fixtures are async code, most nodes are not).
  assert.ok(yes > 1000 && no > 1000, `${yes} yes, ${no} no`);
});

test('a word that starts just before a node or at its end is not in it', async () => {
  const parser = await createRustParser(findWasmDir());
  const tree = parser.parse('fn a() { async {}; }fn b() {}\nfn c() { x.spawn(f) }');
  const [a, b, c] = tree.rootNode.namedChildren as SyntaxNode[];
  assert.equal(mentions(a, /\basync\b/), true);
  assert.equal(mentions(b, /\basync\b/), false);
  assert.equal(mentions(a.childForFieldName('body')!, /\bfn\b/), false);
  assert.equal(mentions(c, /\bspawn\b/), true);
  assert.equal(mentions(c.childForFieldName('name')!, /\bspawn\b/), false);
  tree.delete();
});

test('names hash apart, and the same name hashes the same', () => {
  const names = ['spawn', 'require_send', 'execute', 'run', 'spawn_blocking', 'a', 'b', ''];
  assert.equal(new Set(names.map(nameHash)).size, names.length);
  assert.equal(nameHash('require_send'), nameHash('require_' + 'send'));
});
