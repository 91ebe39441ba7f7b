// The bundled examples/ crate, as `npm run demo` shows it: it compiles, each of the four seed types
// gets the verdicts its rustc-checked fixture (test/fixtures/verdicts/seed-*.rs) expects, and only
// the unjustified `unsafe impl<T> Send for MySend<T>` is flagged, by all three rules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFixture } from '../oracle/check-fixture';
import { renderVerdict } from '../oracle/fixture-format';
import { rustcSendErrors } from '../oracle/check-futures';
import { assertCompiles } from '../oracle/rustc-oracle';

const ROOT = join(__dirname, '..', '..');
const SOURCE = readFileSync(join(ROOT, 'examples', 'src', 'lib.rs'), 'utf8');

interface JsonVerdict {
  status: 'yes' | 'no' | 'conditional' | 'unknown';
  requires: string[];
  source: 'auto' | 'unsafe-impl' | 'negative-impl';
}

function runDemo() {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', 'examples'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, r.stderr);
  return JSON.parse(r.stdout) as {
    types: { path: string; send: JsonVerdict; sync: JsonVerdict }[];
    futures: {
      file: string;
      name: string;
      kind: string;
      line: number;
      column: number;
      send: { status: string; requires: string[] };
      reasons: string[];
    }[];
    diagnostics: { file: string; line: number; code: string; codes: string[] }[];
  };
}

test('examples/ compiles', async () => {
  await assertCompiles(SOURCE);
});

test('each seed example gets the verdicts its rustc-checked fixture expects', () => {
  const out = runDemo();
  const show = (v: { status: string; requires: readonly string[]; source: string }) =>
    renderVerdict({ ...v, requires: [...v.requires].sort() });
  for (const name of ['seed-my-send', 'seed-unsafe-cell', 'seed-ffi-client', 'seed-container']) {
    const fixture = parseFixture(readFileSync(join(ROOT, 'test', 'fixtures', 'verdicts', `${name}.rs`), 'utf8'), name);
    for (const expected of fixture.types) {
      const actual = out.types.find((t) => t.path === expected.path);
      assert.ok(actual, `${expected.path} is not in the demo's output`);
      assert.equal(show(actual.send), show(expected.send), `${expected.path} Send`);
      assert.equal(show(actual.sync), show(expected.sync), `${expected.path} Sync`);
    }
  }
});

test('only MySend is flagged: one diagnostic, led by missing-bound, holding missing-safety-comment', () => {
  const out = runDemo();
  const implLine = SOURCE.split('\n').findIndex((l) => l.startsWith('unsafe impl<T> Send for MySend<T>')) + 1;
  assert.deepEqual(
    out.diagnostics.filter((d) => d.file.endsWith('lib.rs')).map((d) => `${d.line} ${d.code} ${d.codes.join(',')}`),
    [`${implLine} missing-bound missing-bound,missing-safety-comment`],
  );
});

test('examples/async/tasks.rs: the futures array, and rustc rejects exactly the spawn calls flagged future-not-send', async () => {
  const out = runDemo();
  const tasks = out.futures.filter((f) => f.file.endsWith('tasks.rs'));
  assert.deepEqual(
    tasks.map((f) => `${f.name} ${f.kind} ${f.send.status}`),
    [
      'save async-fn yes',
      'count_hits async-fn no',
      'count_hits_fixed async-fn yes',
      'reset_hits async-fn no',
      'report async-fn no',
      'report_fixed async-fn yes',
    ],
  );
  const countHits = tasks.find((f) => f.name === 'count_hits')!;
  const source = readFileSync(join(ROOT, 'examples', 'async', 'tasks.rs'), 'utf8').split('\n');
  assert.match(source[countHits.line - 1].slice(countHits.column - 1), /^count_hits\(/);
  assert.match(
    countHits.reasons[0],
    /^`guard: MutexGuard<u32>` \(line \d+\) is held across `\.await` \(line \d+\): `MutexGuard` is never `Send`$/,
  );
  const flagged = out.diagnostics.filter((d) => d.file.endsWith('tasks.rs')).map((d) => `${d.line} ${d.code}`);
  const { lines } = await rustcSendErrors(source.join('\n'));
  assert.deepEqual(
    flagged,
    [...lines].sort((a, b) => a - b).map((l) => `${l} future-not-send`),
  );
  assert.equal(flagged.length, 3);
  // The one whose guard can be scoped before the `.await` gets the quick fix; the others the hint.
  const text = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', 'examples/async'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout;
  assert.match(text, /reset_hits\(hits\)[\s\S]*= help: Scope `guard` in a block that ends before the `\.await`/);
  assert.match(text, /count_hits\(hits\)` is not `Send`: .*; use a `tokio::sync::Mutex`/);
  assert.match(text, /report\(String::from\("hits"\)\)` is not `Send`: .*; use `Arc` instead of `Rc`/);
});
