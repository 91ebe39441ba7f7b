// The items an analysis searches a file for (fns, impls, `macro_rules!`, statics, consts) are
// found from their keywords in the text (syntax/parser.ts `nodesOfType`), not by walking every
// node: they must be exactly the nodes a walk of the tree finds, in the same order, on every Rust
// file of the repository, whole and with a few characters cut out at seeded places (broken code,
// where an item can run over the next ones), and on small cases written to trip the search.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isItemType, itemsOfBody } from '../../server/src/model/lower';
import { createRustParser, nodesOfType, type RustParser, type SyntaxNode } from '../../server/src/syntax/parser';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';
import { seededRandom } from '../seeded-random';

const TYPES = ['function_item', 'impl_item', 'macro_definition', 'static_item', 'const_item'];

function rustFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'target' ? [] : rustFiles(path);
      return name.endsWith('.rs') ? [path] : [];
    });
}

/**
 * Each Rust file of the examples and fixtures, whole, then with a few characters cut out at three
 * places the seed picks (broken code, where an item can run over the next ones).
 */
function eachFileAndCuts(seed: number, visit: (text: string, label: string, whole: boolean) => void): void {
  const random = seededRandom(seed);
  const files = ['examples', 'test/fixtures'].flatMap((f) => rustFiles(join(REPO_ROOT, f)));
  assert.ok(files.length > 50, `only ${files.length} files`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    visit(text, file, true);
    for (let i = 0; i < 3; i++) {
      const at = random.int(text.length);
      visit(text.slice(0, at) + text.slice(at + 1 + random.int(8)), `${file} cut at ${at}`, false);
    }
  }
}

function assertSameItems(parser: RustParser, text: string, label: string): number {
  const tree = parser.parse(text);
  try {
    let count = 0;
    for (const type of TYPES) {
      const walked = tree.rootNode.descendantsOfType(type).map((n) => `${n!.startIndex}-${n!.endIndex}`);
      const searched = nodesOfType(tree.rootNode, type).map((n) => `${n.startIndex}-${n.endIndex}`);
      assert.deepEqual(searched, walked, `${label}: ${type}`);
      count += walked.length;
    }
    return count;
  } finally {
    tree.delete();
  }
}

test('the items found from keywords are the items a walk of the tree finds', async () => {
  const parser = await createRustParser(findWasmDir());
  let items = 0;
  eachFileAndCuts(2026, (text, label, whole) => {
    const found = assertSameItems(parser, text, label);
    if (whole) items += found;
  });
  assert.ok(items > 500, `only ${items} items`);
});

test("keywords that are not their item's own are not taken for it", async () => {
  const parser = await createRustParser(findWasmDir());
  const cases = [
    'const fn a() {}\nconst B: u8 = 1;',
    'static S: &\'static str = "fn x() {}"; // impl X {}\n/* static T: u8 = 0; */',
    'fn f() -> impl Fn(u8) -> u8 { |x| x }\ntype P = fn(u8);\nstruct G<const N: usize>;',
    'macro_rules! m { () => { fn inner() {} impl X {} }; }\nfn outer() { fn nested() {} const C: u8 = 0; }',
    'unsafe impl Send for A {}\nimpl<T> !Sync for B<T> {}\nimpl /* c */ C {}\nlet r#fn = 1;',
    // Broken: the first fn runs over the second one's keyword.
    'pub struct Repeat {\n}\npub fn repea u8) -> Repeat {\n        Poll::Ready(Ok(buf.len()))\n    }\n    fn poll_read_vectored(\n    ) -> Poll<io::Result<usize>> {\n}',
    '8const X: u8 = 1;',
  ];
  for (const text of cases) assertSameItems(parser, text, JSON.stringify(text));
});

// The items of a fn body (model/lower.ts `itemsOfBody`) are found the same way: they must be the
// items a walk of the body finds (into every node but an item, down to a depth), in order.
function walkedBodyItems(body: SyntaxNode, maxDepth: number): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const visit = (node: SyntaxNode, depth: number): void => {
    for (const child of node.children) {
      if (child === null) continue;
      if (isItemType(child.type)) found.push(child);
      else if (depth < maxDepth) visit(child, depth + 1);
    }
  };
  visit(body, 1);
  return found;
}

function bodiesOf(root: SyntaxNode): SyntaxNode[] {
  return ['function_item', 'const_item', 'static_item'].flatMap((type) =>
    root
      .descendantsOfType(type)
      .map((n) => n!.childForFieldName('body') ?? n!.childForFieldName('value'))
      .filter((b): b is SyntaxNode => b !== null && b.type !== 'declaration_list'),
  );
}

function assertSameBodyItems(parser: RustParser, text: string, label: string, maxDepth = 800): number {
  const tree = parser.parse(text);
  try {
    let count = 0;
    for (const body of bodiesOf(tree.rootNode)) {
      const span = (n: SyntaxNode) => `${n.type}@${n.startIndex}-${n.endIndex}`;
      const walked = walkedBodyItems(body, maxDepth).map(span);
      const at = `${label}: body at ${body.startIndex}`;
      assert.deepEqual(itemsOfBody(body, body.text, maxDepth).map(span), walked, at);
      // A search out of time goes on as a walk (after 16 keywords).
      assert.deepEqual(itemsOfBody(body, body.text, maxDepth, -1).map(span), walked, `${at}, walked`);
      count += walked.length;
    }
    return count;
  } finally {
    tree.delete();
  }
}

test('the items of fn bodies found from keywords are the items a walk of each body finds', async () => {
  const parser = await createRustParser(findWasmDir());
  let items = 0;
  eachFileAndCuts(2027, (text, label, whole) => {
    const found = assertSameBodyItems(parser, text, label);
    if (!whole) return;
    // A depth limit that cuts (items in a block in a block are past 2 nodes down).
    items += found + assertSameBodyItems(parser, text, `${label} (depth 3)`, 3);
  });
  assert.ok(items > 30, `only ${items} items in bodies`);
  const cases = [
    // Keywords that are not an item's own: comments, strings, types, paths, raw identifiers.
    'fn f() { // use x; impl y\n let s = "struct S;"; let t: fn(u8) = g; let r#type = 1; pub(crate) fn h() {} }',
    'fn f() -> impl Fn() { use std::fmt; struct A; impl A { fn m() { struct Inner; } } enum E {} union U { a: u8 } }',
    'fn f() { extern crate alloc; mod m { struct X; } trait T {} type A = u8; fn g() { fn h() {} } }',
    'fn f() { const _: () = { unsafe impl Send for X {} }; let c = || { struct InClosure; }; }',
    // Items deeper than a walk up goes (see DEEP): found by a walk of the body.
    `fn f() { ${'{ '.repeat(60)}struct Deep; fn g() {} ${'}'.repeat(60)} struct After; ${'{'.repeat(70)} use a; ${'}'.repeat(70)} }`,
    // Broken: an item running over the next ones' keywords.
    'fn f() { struct A { x: u8, fn g() {} impl B { fn h( } use c; }',
  ];
  // Every depth limit: one off by one cuts an item of these at the wrong depth.
  for (const text of cases)
    for (let depth = 1; depth <= 160; depth++)
      assertSameBodyItems(parser, text, `${JSON.stringify(text)} (depth ${depth})`, depth);
});
