// A parse that takes longer than its budget is given up (ParseTimeout), and the file says so
// instead of holding everything up for seconds: alone, in a crate, and for an edit. The parser
// serves the next text as if nothing happened.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine, ParseTimeout } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { Project } from '../../server/src/engine/project';
import {
  createRustParser,
  deadline,
  parseBudgetMs,
  type ParseClocks,
  type ParseSpent,
} from '../../server/src/syntax/parser';
import { findWasmDir } from '../oracle/rust-items';
import { slowToParse } from '../slow-parse';

const SLOW = slowToParse();

test('a file alone whose parse is given up reports why, and the engine goes on with the next', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false });
  const skipped = engine.analyze(`pub struct Early(*const u8);\n${SLOW}`);
  assert.match(skipped.skipped ?? '', /^parsing took over \d+ ms: the text is too broken to read in time$/);
  assert.deepEqual(skipped.types, []);
  const next = engine.analyze('pub struct P(*const u8);\nunsafe impl Send for P {}\n');
  assert.equal(next.skipped, undefined);
  assert.deepEqual(
    next.types.map((t) => `${t.name} ${t.send.status}`),
    ['P yes'],
  );
  assert.deepEqual(
    next.findings.map((f) => f.code),
    ['missing-safety-comment'],
  );
});

test('the budget grows with the text, and the parser starts afresh after a parse given up', async () => {
  assert.ok(parseBudgetMs(1_000_000) > parseBudgetMs(1_000));
  const parser = await createRustParser(findWasmDir());
  assert.throws(() => parser.parse(SLOW), ParseTimeout);
  // Reset after the stop: the next parse is whole, not a continuation of the one given up.
  const tree = parser.parse('fn main() {}\n');
  assert.equal(
    tree.rootNode.toString(),
    '(source_file (function_item name: (identifier) parameters: (parameters) body: (block)))',
  );
  tree.delete();
});

test('an incremental parse that turns slow is given up, and the old tree is not reused after', async () => {
  const parser = await createRustParser(findWasmDir());
  const before = 'pub struct A;\n';
  const old = parser.parse(before);
  const after = before + SLOW;
  old.edit({
    startIndex: before.length,
    oldEndIndex: before.length,
    newEndIndex: after.length,
    startPosition: { row: 1, column: 0 },
    oldEndPosition: { row: 1, column: 0 },
    newEndPosition: { row: 4, column: 0 },
  });
  assert.throws(() => parser.parse(after, old), ParseTimeout);
  old.delete();
  const tree = parser.parse(before);
  assert.equal(tree.rootNode.hasError, false);
  tree.delete();
});

test('a parse in parts is given up once the parts together pass the budget', async () => {
  const parser = await createRustParser(findWasmDir());
  let parts = 0;
  assert.throws(() => {
    for (;;) {
      const until = performance.now() + 5;
      const tree = parser.parsePart(SLOW, () => performance.now() >= until);
      if (tree) return tree.delete();
      parts++;
    }
  }, ParseTimeout);
  assert.ok(parts > 10, `stopped ${parts} times before the budget ran out`);
});

test("a crate's file whose parse is given up is skipped; its other files are analysed", async () => {
  const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false });
  const dir = mkdtempSync(join(tmpdir(), 'rss-budget-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "budget"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(dir, 'src', 'lib.rs'), 'mod broken;\npub struct Shared(std::rc::Rc<u8>);\n');
    writeFileSync(join(dir, 'src', 'broken.rs'), `pub struct Lost(u8);\n${SLOW}`);
    const project = new Project(engine, nodeFileSystem, { HOME: '/nonexistent' });
    project.open(dir);
    const broken = project.analyzeFile(join(dir, 'src', 'broken.rs'));
    assert.match(broken?.skipped ?? '', /^parsing took over \d+ ms/);
    const lib = project.analyzeFile(join(dir, 'src', 'lib.rs'));
    assert.equal(lib?.skipped, undefined);
    assert.deepEqual(
      lib?.types.map((t) => `${t.name} ${t.send.status}`),
      ['Shared no'],
    );
    // Fixed in the editor: read again, and analysed.
    project.setText(join(dir, 'src', 'broken.rs'), 'pub struct Lost(std::cell::Cell<u8>);\n');
    const fixed = project.analyzeFile(join(dir, 'src', 'broken.rs'));
    assert.equal(fixed?.skipped, undefined);
    assert.deepEqual(
      fixed?.types.map((t) => `${t.name} ${t.sync.status}`),
      ['Lost no'],
    );
    project.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a parse waiting for a core is not given up: both the wall clock and the CPU time must pass the budget', () => {
  let wall = 0;
  let cpu = 0;
  const clocks: ParseClocks = { wall: () => wall, cpu: () => cpu };
  const limit = deadline(1_000, { wall: 0, cpu: 0 }, clocks);
  assert.equal(limit.budget, parseBudgetMs(1_000));
  // A busy machine: a second of wall time passes while the parse runs 10 ms.
  wall = 1_000;
  cpu = 10;
  assert.equal(limit.over(), false);
  // The parse itself slow: its CPU time passes the budget too.
  cpu = limit.budget + 1;
  assert.equal(limit.over(), true);
  // A parse in parts carries what its earlier parts spent.
  const spent: ParseSpent = limit.spent();
  assert.deepEqual(spent, { wall: 1_000, cpu: limit.budget + 1 });
  const next = deadline(1_000, spent, clocks);
  assert.equal(next.over(), true);
  // Without a CPU clock (a browser), the wall clock alone decides.
  wall = 0;
  const browser = deadline(1_000, { wall: 0, cpu: 0 }, { wall: () => wall });
  wall = limit.budget + 1;
  assert.equal(browser.over(), true);
});
