// Futures across files and crates (test/fixtures/crates/tasks, with its dependency tasks-rt): an
// awaited method of a type of another file, an async fn and a `spawn` of a dependency reached
// through a re-export, and a method bounded by `Send` (`Handle::spawn`); closures in a crate of
// edition 2018 (test/fixtures/crates/old-captures), which capture whole variables; fields read
// through a guard's `Deref` (test/fixtures/crates/guards); futures joined by futures-lite's `zip`,
// `try_zip`, `or` and futures-util's `select`, `join`, `try_join` (test/fixtures/crates/joins,
// with local stand-ins of those crates). Every
// marker is checked against the engine on the opened project, and every `Send`-requiring call
// against cargo itself.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { createEngine, Project } from '../../server/src/engine';
import { compareFuturesWithEngine, parseFuturesFixture } from '../oracle/check-futures';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const CRATE = join(REPO_ROOT, 'test', 'fixtures', 'crates', 'tasks');
const SRC = join(CRATE, 'src');
const CRATES = ['tasks', 'old-captures', 'guards', 'joins'].map((name) =>
  join(REPO_ROOT, 'test', 'fixtures', 'crates', name),
);

function rustFiles(crate: string): string[] {
  return readdirSync(join(crate, 'src'))
    .filter((f) => f.endsWith('.rs'))
    .sort();
}

interface CargoMessage {
  reason: string;
  message?: { level: string; message: string; spans: { file_name: string; line_start: number; is_primary: boolean }[] };
}

/** `cargo check` of a crate: per file, the lines where rustc says something cannot be sent; and other errors. */
async function cargoSendErrors(crate: string): Promise<{ lines: Map<string, Set<number>>; other: string[] }> {
  const target = mkdtempSync(join(tmpdir(), 'rss-tasks-'));
  try {
    const stdout = await new Promise<string>((resolve) =>
      execFile(
        'cargo',
        ['check', '--offline', '--quiet', '--message-format=json'],
        { cwd: crate, env: { ...process.env, CARGO_TARGET_DIR: target }, maxBuffer: 64 * 1024 * 1024 },
        (_error, out) => resolve(out),
      ),
    );
    const lines = new Map<string, Set<number>>();
    const other: string[] = [];
    for (const raw of stdout.split('\n')) {
      if (!raw.startsWith('{')) continue;
      const m = JSON.parse(raw) as CargoMessage;
      if (m.reason !== 'compiler-message' || m.message?.level !== 'error') continue;
      const primary = m.message.spans.find((s) => s.is_primary);
      if (primary && /cannot be (sent|shared) between threads safely/.test(m.message.message)) {
        const set = lines.get(primary.file_name) ?? new Set<number>();
        set.add(primary.line_start);
        lines.set(primary.file_name, set);
      } else if (!/^(aborting|could not compile)/.test(m.message.message)) other.push(m.message.message);
    }
    return { lines, other };
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

for (const crate of CRATES) {
  const name = crate.slice(crate.lastIndexOf('/') + 1);

  test(`${name}: cargo agrees with the expected verdict at every Send-requiring call of the crate`, async () => {
    const { lines, other } = await cargoSendErrors(crate);
    assert.deepEqual(other, []);
    let calls = 0;
    for (const file of rustFiles(crate)) {
      const fixture = parseFuturesFixture(readFileSync(join(crate, 'src', file), 'utf8'));
      assert.deepEqual(fixture.problems, []);
      const rejected = lines.get(`src/${file}`) ?? new Set<number>();
      for (const [n, send] of fixture.calls) {
        calls++;
        assert.equal(!rejected.has(n), send, `src/${file}:${n}: rustc says ${rejected.has(n) ? 'not Send' : 'Send'}`);
      }
      for (const n of rejected) assert.ok(fixture.calls.has(n), `src/${file}:${n}: a rustc error no marker expects`);
    }
    assert.ok(calls >= 3, 'the crate must ask rustc at least three things');
  });

  test(`${name}: the engine on the opened crate matches every future and finding marker`, async () => {
    const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false });
    const project = new Project(engine, nodeFileSystem, process.env);
    assert.ok(project.open(crate));
    for (const file of rustFiles(crate)) {
      const source = readFileSync(join(crate, 'src', file), 'utf8');
      const analysis = project.analyzeFile(join(crate, 'src', file));
      assert.ok(analysis, file);
      assert.deepEqual(compareFuturesWithEngine(parseFuturesFixture(source), analysis, source), [], file);
    }
  });
}

test('the CLI names the other file a held value is in, and links only what is in the checked file', () => {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: CRATE, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const out = JSON.parse(run.stdout) as {
    futures: { file: string; name: string; send: { status: string }; reasons: string[] }[];
    diagnostics: { file: string; line: number; code: string; message: string; related?: { line: number }[] }[];
  };
  const recall = out.futures.find((f) => f.name === 'recall');
  assert.equal(recall?.send.status, 'no');
  assert.match(recall.reasons[0], /whose future \(in `src\/store\.rs`\) is not `Send`: `seen: Rc<u32>` \(line 21\)/);
  const spawns = out.diagnostics.filter((d) => d.code === 'future-not-send').map((d) => `${d.file}:${d.line}`);
  const marked = parseFuturesFixture(readFileSync(join(SRC, 'jobs.rs'), 'utf8')).findings;
  assert.ok(marked.length >= 4);
  assert.deepEqual(
    spawns,
    marked.map((f) => `${join('src', 'jobs.rs')}:${f.line}`),
  );
});
