// The items an analysis searches a file for (fns, impls, `macro_rules!`, statics, consts) are
// found from their keywords in the text (syntax/parser.ts `nodesOfType`), not by walking every
// node: they must be exactly the nodes a walk of the tree finds, in the same order, on every Rust
// file of the repository, whole and with a few characters cut out at seeded places (broken code,
// where an item can run over the next ones), and on small cases written to trip the search.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRustParser, nodesOfType, type RustParser } from '../../server/src/syntax/parser';
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
  const random = seededRandom(2026);
  let items = 0;
  const files = ['examples', 'test/fixtures'].flatMap((f) => rustFiles(join(REPO_ROOT, f)));
  assert.ok(files.length > 50, `only ${files.length} files`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    items += assertSameItems(parser, text, file);
    for (let i = 0; i < 3; i++) {
      const at = random.int(text.length);
      assertSameItems(parser, text.slice(0, at) + text.slice(at + 1 + random.int(8)), `${file} cut at ${at}`);
    }
  }
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
