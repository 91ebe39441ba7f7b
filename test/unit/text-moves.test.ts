// How an edit moves the places that kept futures results name (futures/text-moves.ts): what is
// before the edit stays, what is after it moves with its end, what is inside it (or on its edge,
// where either side may own it) cannot be moved, and a reason's named lines move with their text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textMoves } from '../../server/src/futures/text-moves';

const at = (line: number, character: number) => ({ line, character });
const range = (a: number, b: number, c: number, d: number) => ({ start: at(a, b), end: at(c, d) });

test('a line typed moves the places and the named lines below it, and keeps those above', () => {
  const before = 'fn a() {}\nfn b() {\n    x();\n}\nfn c() {}\n';
  const after = 'fn a() {}\nfn b() {\n    x();\n    y();\n}\nfn c() {}\n';
  const moves = textMoves(before, after, false)!;
  assert.equal(moves.lines, 1);
  // `fn c` (line 4, from 0) is now on line 5; `fn a` stays.
  assert.deepEqual(moves.forward(at(4, 0), 'start'), at(5, 0));
  assert.deepEqual(moves.back(at(5, 0), 'start'), at(4, 0));
  assert.deepEqual(moves.forward(at(0, 3), 'start'), at(0, 3));
  const report = {
    range: range(4, 0, 4, 9),
    reasons: ['`r` (line 5) is held across `.await` (line 5), and `a` (line 1) is not'],
  };
  assert.deepEqual(moves.relocate(report), {
    range: range(5, 0, 5, 9),
    reasons: ['`r` (line 6) is held across `.await` (line 6), and `a` (line 1) is not'],
  });
  // Nothing moved: the same object.
  const above = { range: range(0, 0, 0, 9), reasons: ['(line 1)'] };
  assert.equal(moves.relocate(above), above);
});

test('a place at the start of an insertion moves when it starts something and stays when it ends something', () => {
  const before = 'fn a() {}\nfn c() {}\n';
  const after = 'fn a() {}\n\nfn c() {}\n';
  const moves = textMoves(before, after, false)!;
  // The edit is found where the texts first differ: after `fn a() {}\n\n`'s first line break.
  assert.deepEqual(moves.forward(at(1, 0), 'start'), at(2, 0));
  assert.deepEqual(moves.forward(at(1, 0), 'end'), at(1, 0));
  assert.equal(moves.forward(at(1, 0)), undefined);
  assert.deepEqual(moves.relocate(range(1, 0, 1, 9)), range(2, 0, 2, 9));
  assert.deepEqual(moves.relocate(range(0, 0, 1, 0)), range(0, 0, 1, 0));
});

test('what the edit replaced cannot be moved, nor a line it named', () => {
  const before = 'fn a() {\n    one();\n}\nfn b() {}\n';
  const after = 'fn a() {\n    two();\n    three();\n}\nfn b() {}\n';
  const moves = textMoves(before, after, false)!;
  // The edit is where the texts differ: `on` of `one` became `two();\n    thre` (both end in `e();`).
  assert.equal(moves.forward(at(1, 5), 'start'), undefined);
  assert.deepEqual(moves.forward(at(1, 6), 'start'), at(2, 8));
  assert.equal(moves.relocate({ range: range(1, 4, 1, 10) }), undefined);
  assert.equal(moves.relocate({ reasons: ['`x` (line 2)'] }), undefined);
  assert.deepEqual(moves.relocate({ reasons: ['`x` (line 4)'] }), { reasons: ['`x` (line 5)'] });
});

test('in a crate, a reason that may name another file keeps its lines, or cannot be moved', () => {
  const before = 'fn a() {}\nfn b() {}\n';
  const after = '\nfn a() {}\nfn b() {}\n';
  const moves = textMoves(before, after, true)!;
  const elsewhere = [
    'in `src/x.rs`, `r` (line 1) is held',
    'awaits `f()` (line 2), whose future (in `src/x.rs`) is not `Send`: ...',
  ];
  for (const reason of elsewhere) assert.equal(moves.relocate(reason), undefined, reason);
  assert.equal(moves.relocate('`T: Sync`: `unsafe impl Sync for X` (line 3) requires `T: Send`'), undefined);
  // Its own lines move.
  assert.equal(moves.relocate('`r` (line 2) is held'), '`r` (line 3) is held');
  // A file alone names only its own lines.
  assert.equal(textMoves(before, after, false)!.relocate(elsewhere[0]), 'in `src/x.rs`, `r` (line 2) is held');
});

test('with no line moved (spacing changed in several places), nothing is moved', () => {
  assert.equal(textMoves('fn a() {}\nfn b() {}\n', '  fn a() {}\nfn  b() {}\n', false), undefined);
  // The same line count, but a line moved from one place to another: moved.
  assert.notEqual(textMoves('a\nb\nc\n', 'b\na\nc\n', false), undefined);
});

test('a fn quoting code that reads as a named line keeps its results only when no line moved', () => {
  const moves = textMoves('x\n', '\nx\n', false)!;
  assert.equal(moves.canRename(['fn f() { log("line 3"); }']), false);
  assert.equal(moves.canRename(['fn f() { log("`quoted`"); }']), true);
  assert.equal(textMoves('x y\n', 'x  y\n', false), undefined);
});
