// What a node's text names, from one search of its tree: the same answers as searching the
// node's own text, for every node, in files of the repository's futures fixtures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { capturesAny, mentions, nameHash, treeMentions } from '../../server/src/futures/words';
import { createRustParser, type SyntaxNode } from '../../server/src/syntax/parser';
import { findWasmDir } from '../oracle/rust-items';
import { hasWord, wordMatches } from '../../server/src/syntax/words';
import { seededRandom } from '../seeded-random';

const FIXTURES = join(__dirname, '..', 'fixtures', 'futures');
const PATTERNS = [/\basync\b/, /\basync\b|\bspawn\b|\bArc::new\b/, /\bawait\b/];
/** A called name, as the futures analysis looks for them. */
const CALLED = /\b([A-Za-z_]\w*)\s*(?:::\s*<[^()]*>\s*)?\(/;
/** Sets of called names' hashes, asked about in turn (each set's counts are made once). */
const NAME_SETS = [
  new Set<number>(),
  new Set(['require_send'].map(nameHash)),
  new Set(['pause', 'lock'].map(nameHash)),
  new Set(['new', 'spawn', 'unwrap'].map(nameHash)),
];

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
    const called = [...node.text.matchAll(new RegExp(CALLED.source, 'g'))].map((m) => nameHash(m[1]));
    for (const [i, set] of NAME_SETS.entries())
      assert.equal(
        capturesAny(node, CALLED, set),
        called.some((h) => set.has(h)),
        `${label}: ${node.type} at ${node.startIndex}, names ${i}`,
      );
  }
  return counts;
}

test('mentions and capturesAny answer as the node text does, for every node of the futures fixtures', async () => {
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
  const names = new Set([nameHash('b')]);
  const check = () => {
    assert.equal(mentions(a, /\basync\b/), true);
    assert.equal(mentions(b, /\basync\b/), false);
    assert.equal(mentions(a.childForFieldName('body')!, /\bfn\b/), false);
    assert.equal(mentions(b, /\bfn\b/), true);
    assert.equal(mentions(c, /\bspawn\b/), true);
    assert.equal(capturesAny(c, CALLED, new Set([nameHash('spawn')])), true);
    assert.equal(capturesAny(c.childForFieldName('body')!, CALLED, new Set([nameHash('c')])), false);
    assert.equal(capturesAny(b.childForFieldName('body')!, CALLED, names), false);
    // The same set, grown: counted again.
    names.add(nameHash('spawn'));
    assert.equal(capturesAny(c, CALLED, names), true);
    names.delete(nameHash('spawn'));
    assert.equal(capturesAny(c, CALLED, names), false);
    // A match that starts at a's last brace and ends in b is in neither.
    assert.equal(mentions(a, /\}fn/), false);
    assert.equal(mentions(b, /\}fn/), false);
    assert.equal(mentions(tree.rootNode, /\}fn/), true);
  };
  assert.equal(treeMentions(tree, /\bspawn\b/), true);
  assert.equal(treeMentions(tree, /\bSend\b/), false);
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

test('hasWord and wordMatches answer as patterns of the word would, and names too long for a pattern', () => {
  const random = seededRandom(7);
  const alphabet = ['T', 'x', '_', '1', ' ', ':', '<', '>', 'é', 'Tx', '::'];
  let found = 0;
  for (let i = 0; i < 5_000; i++) {
    const text = Array.from({ length: random.int(12) }, () => alphabet[random.int(alphabet.length)]).join('');
    const word = ['T', 'Tx', 'x', '_', 'é', 'T1'][random.int(6)];
    const expected = new RegExp(`\\b${word}\\b`).test(text);
    assert.equal(hasWord(text, word), expected, `${JSON.stringify(word)} in ${JSON.stringify(text)}`);
    const notPath = new RegExp(`\\b${word}\\b(?!\\s*::)`).test(text);
    assert.equal(
      hasWord(text, word, (after) => !/^\s*::/.test(after)),
      notPath,
      `${word} not a path in ${text}`,
    );
    if (expected) found++;
  }
  assert.ok(found > 500, `only ${found} cases with the word`);
  // wordMatches as matchAll with the same tail: the places, and the tail's groups, in order.
  const tail = /^\s*\.\s*(\w+)\b(\s*\()?/;
  const pieces = ['x', 'x', '.', ' ', '(', 'y', 'self', '_', '*', '.x('];
  for (let i = 0; i < 5_000; i++) {
    const text = Array.from({ length: random.int(14) }, () => pieces[random.int(pieces.length)]).join('');
    for (const word of ['x', 'self']) {
      const expected = [...text.matchAll(new RegExp(`\\b${word}\\b(\\s*\\.\\s*(\\w+)\\b(\\s*\\()?)?`, 'g'))].map(
        (m) => `${m.index}:${m[2] ?? ''}:${m[3] ?? ''}`,
      );
      const got = [...wordMatches(text, word, tail)].map((m) => `${m.at}:${m.tail?.[1] ?? ''}:${m.tail?.[2] ?? ''}`);
      assert.deepEqual(got, expected, `${word} in ${JSON.stringify(text)}`);
    }
  }
  const long = `T${'x'.repeat(200_000)}`;
  assert.equal(hasWord(`struct S<${long}>(${long});`, long), true);
});
