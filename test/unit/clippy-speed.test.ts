// The clippy comparison's speed summary (test/oracle/clippy-speed.ts): speed-ups are clippy's
// time over ours, summed up over the crates with both times only, in wall and in CPU time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSpeed, summarizeSpeed } from '../oracle/clippy-speed';

const rows = [
  { name: 'a', cliMs: 100, clippyMs: 400, cliCpuMs: 100, clippyCpuMs: 200 },
  { name: 'b', cliMs: 200, clippyMs: 200, cliCpuMs: 100, clippyCpuMs: 100 },
  { name: 'c', cliMs: 500, clippyMs: undefined, cliCpuMs: 400, clippyError: 'needs nightly' },
  { name: 'd', cliMs: 300, clippyMs: 1200 },
];

test('the summary is over the crates clippy built: means, median and geometric mean of the speed-ups', () => {
  const s = summarizeSpeed(rows);
  assert.ok(s);
  assert.equal(s.crates, 3);
  assert.equal(s.cliMeanMs, 200);
  assert.equal(s.clippyMeanMs, 600);
  assert.equal(s.medianSpeedup, 4); // speed-ups 4, 1, 4
  assert.ok(Math.abs(s.geomeanSpeedup - Math.cbrt(16)) < 1e-9);
  assert.equal(summarizeSpeed([rows[2]]), undefined);
});

test('the CPU summary is over the crates with both CPU times', () => {
  const s = summarizeSpeed(rows, 'cpu');
  assert.ok(s);
  assert.equal(s.crates, 2);
  assert.equal(s.medianSpeedup, 1.5); // speed-ups 2 and 1
  assert.ok(Math.abs(s.geomeanSpeedup - Math.SQRT2) < 1e-9);
});

test('the table says why a crate has no clippy figure', () => {
  const lines = renderSpeed(rows, 3, '1.0 1.0 1.0');
  const row = (name: string): string => lines.find((l) => l.startsWith(`   ${name} `)) ?? '';
  assert.match(row('c'), /n\/a\s+0\.40\s+n\/a\s+\(clippy: needs nightly\)$/);
  assert.match(row('a'), /0\.10\s+0\.40\s+4\.00x\s+0\.10\s+0\.20\s+2\.00x$/);
  assert.match(lines.join('\n'), /wall over 3 crates: mean 0\.20 s vs 0\.60 s a crate; speed-up median 4\.00x/);
  assert.match(lines.join('\n'), /CPU {2}over 2 crates: mean 0\.10 s vs 0\.15 s a crate; speed-up median 1\.50x/);
});
