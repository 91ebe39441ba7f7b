// Futures fixtures (test/fixtures/futures/*.rs): the engine's verdict for every future and its
// future-not-send/value-not-send findings must match the markers, and rustc must agree with the
// markers at every `require_send(...)`/`spawn(...)` call (see test/oracle/check-futures.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { compareFuturesWithEngine, compareFuturesWithRustc, parseFuturesFixture } from '../oracle/check-futures';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const dir = join(REPO_ROOT, 'test', 'fixtures', 'futures');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.rs'))
  .sort();
const enginePromise = createEngine({ wasmDir: findWasmDir() });

test('futures fixtures exist', () => assert.ok(files.length >= 4));

for (const name of files) {
  const source = readFileSync(join(dir, name), 'utf8');
  const fixture = parseFuturesFixture(source);
  describe(`futures/${name}`, () => {
    test('rustc agrees with the expected verdicts at every Send-requiring call', async () => {
      assert.ok(fixture.calls.size > 0, 'a fixture must ask rustc something');
      assert.deepEqual(await compareFuturesWithRustc(fixture, source), []);
    });
    test('engine matches the expected future verdicts and findings', async () => {
      const engine = await enginePromise;
      assert.ok(fixture.futures.size > 0);
      assert.deepEqual(compareFuturesWithEngine(fixture, engine.analyze(source), source), []);
    });
  });
}
