// `editBetween` (syntax/parser.ts) finds the one edit between two texts by comparing chunks, then
// characters: it must give exactly what a character-by-character comparison gives, with the
// points tree-sitter needs, on seeded random texts with long common parts, line ends of every
// kind, characters outside the BMP, and edits at both ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editBetween } from '../../server/src/syntax/parser';
import { seededRandom } from '../seeded-random';

function pointOf(text: string, offset: number): { row: number; column: number } {
  const lines = text.slice(0, offset).split('\n');
  return { row: lines.length - 1, column: lines.at(-1)!.length };
}

function byCharacters(before: string, after: string) {
  let start = 0;
  while (start < Math.min(before.length, after.length) && before[start] === after[start]) start++;
  let suffix = 0;
  while (
    suffix < Math.min(before.length, after.length) - start &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  return {
    startIndex: start,
    oldEndIndex: before.length - suffix,
    newEndIndex: after.length - suffix,
    startPosition: pointOf(before, start),
    oldEndPosition: pointOf(before, before.length - suffix),
    newEndPosition: pointOf(after, after.length - suffix),
  };
}

test('the edit between two texts is the one a character-by-character comparison finds', () => {
  const random = seededRandom(7);
  const pieces = ['a', 'fn x() {}', ' ', '\n', '\r\n', '\r', 'é', '😀', '\t', 'x\ny'];
  const text = (length: number) => Array.from({ length }, () => random.pick(pieces)).join('');
  for (let i = 0; i < 400; i++) {
    const base = text(random.int(i % 10 === 0 ? 40_000 : 3_000));
    const at = random.chance(0.1) ? 0 : random.chance(0.1) ? base.length : random.int(base.length + 1);
    const cut = random.chance(0.3) ? 0 : random.int(300);
    const before = random.chance(0.5) ? base : base + text(random.int(3));
    const after = base.slice(0, at) + text(random.int(200)) + base.slice(at + cut);
    assert.deepEqual(editBetween(before, after), byCharacters(before, after), `case ${i}`);
  }
  assert.deepEqual(editBetween('same', 'same'), byCharacters('same', 'same'));
  assert.deepEqual(editBetween('', 'abc'), byCharacters('', 'abc'));
});
