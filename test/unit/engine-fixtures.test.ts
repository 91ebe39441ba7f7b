// Data-driven fixtures (test/fixtures/{verdicts,findings}/*.rs): for each file, the engine must
// report exactly the annotated types and findings, and rustc must agree with every annotated
// verdict. The rustc programs (one per file) all start at load time, so they compile in parallel.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { compareWithEngine, compareWithRustc, parseFixture, type RustcCheck } from '../oracle/check-fixture';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const FIXTURE_DIRS = ['verdicts', 'findings'];

const files = FIXTURE_DIRS.flatMap((dir) => {
  const abs = join(REPO_ROOT, 'test', 'fixtures', dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith('.rs'))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, abs: join(abs, f) }));
});

const enginePromise = createEngine({ wasmDir: findWasmDir() });

// A small pool, so the per-file rustc runs overlap without flooding a small CI machine.
const limit = Math.max(2, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];
async function pooled<T>(job: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const checks = files.map((f) => {
  const source = readFileSync(f.abs, 'utf8');
  const fixture = parseFixture(source, f.name);
  const rustc: Promise<RustcCheck> = pooled(() => compareWithRustc(fixture, source));
  rustc.catch(() => undefined); // reported by the test that awaits it
  return { ...f, source, fixture, rustc };
});

test('fixture files exist in both folders', () => {
  for (const dir of FIXTURE_DIRS)
    assert.ok(
      files.some((f) => f.name.startsWith(`${dir}/`)),
      `no fixtures in ${dir}/`,
    );
});

for (const c of checks) {
  describe(c.name, () => {
    test('rustc agrees with the expected verdicts', async (t) => {
      const result = await c.rustc;
      for (const note of result.notes) t.diagnostic(note);
      t.diagnostic(`${result.questions} questions, ${result.rustcMs} ms in rustc`);
      assert.ok(c.fixture.types.length > 0, 'a fixture must expect at least one type');
      assert.deepEqual(result.problems, []);
    });

    test('engine matches the expected verdicts and findings', async () => {
      const engine = await enginePromise;
      const problems = compareWithEngine(c.fixture, engine.analyze(c.source));
      assert.deepEqual(problems, []);
    });
  });
}
