// The rules read a file's lines through an index of where each starts (rules/text-lines.ts),
// not a string per line: each line, the count and the joined runs must be what splitting the
// text at `\r\n`, `\n` and `\r` gives, on seeded random texts with every kind of line end,
// empty lines, and rows before the first and past the last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextLines } from '../../server/src/rules/text-lines';
import { seededRandom } from '../seeded-random';

test('lines from the index are the lines of a split', () => {
  const random = seededRandom(21);
  const pieces = ['a', 'unsafe impl Send for X {}', ' ', '\n', '\r\n', '\r', '\n\n', 'é', '😀', '// SAFETY: ok'];
  for (let i = 0; i < 300; i++) {
    const text = Array.from({ length: random.int(60) }, () => random.pick(pieces)).join('');
    const split = text.split(/\r?\n|\r/);
    const lines = new TextLines(text);
    assert.equal(lines.count, split.length, `case ${i}: count`);
    for (let row = -2; row < split.length + 2; row++)
      assert.equal(lines.at(row), split[row] ?? '', `case ${i}: row ${row}`);
    const from = random.int(split.length + 1) - 1;
    const to = from + random.int(5);
    assert.equal(
      lines.joined(from, to),
      split.slice(Math.max(0, from), Math.max(0, to)).join('\n'),
      `case ${i}: ${from}..${to}`,
    );
  }
});
