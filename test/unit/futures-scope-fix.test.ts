// The future-not-send quick fix, proven by rustc: in every futures fixture, each offered fix is
// applied alone, the fixed file is compiled, and rustc must accept the `Send`-requiring call the
// finding was on (the future is now `Send`) with no other error; the engine must agree (the
// finding is gone). The fixture scope-fixes.rs also pins which cases get a fix and which get the
// rewrite hint instead.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import type { Fix } from '../../server/src/rules/rule';
import { rustcSendErrors } from '../oracle/check-futures';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const dir = join(REPO_ROOT, 'test', 'fixtures', 'futures');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.rs'))
  .sort();
const enginePromise = createEngine({ wasmDir: findWasmDir() });
let proven = 0;

/** The fixed text, and how many lines the fix adds above `line` (0-based). */
function applyFix(text: string, fix: Fix, line: number): { fixed: string; shift: number } {
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const ordered = fix.insertions.map((i) => ({ at: offsetOf(i.position), text: i.text })).sort((a, b) => b.at - a.at);
  let fixed = text;
  for (const i of ordered) fixed = fixed.slice(0, i.at) + i.text + fixed.slice(i.at);
  const shift = fix.insertions
    .filter((i) => i.position.line < line)
    .reduce((n, i) => n + (i.text.match(/\n/g) ?? []).length, 0);
  return { fixed, shift };
}

for (const name of files) {
  test(`futures/${name}: every scope fix makes rustc accept the call`, async () => {
    const engine = await enginePromise;
    const source = readFileSync(join(dir, name), 'utf8');
    const findings = engine.analyze(source).findings.filter((f) => f.code === 'future-not-send');
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        const line = finding.range.start.line;
        const where = `${name}:${line + 1} ${fix.title}`;
        for (const i of fix.insertions)
          assert.match(i.text, /^\s*\{\n$|^\n\s*\}$/, `${where}: a brace on its own line`);
        const { fixed, shift } = applyFix(source, fix, line);
        const { lines, otherErrors } = await rustcSendErrors(fixed);
        assert.deepEqual(otherErrors, [], `${where}: the fixed file has other errors`);
        assert.ok(!lines.has(line + 1 + shift), `${where}: rustc still says the future is not Send`);
        const again = engine
          .analyze(fixed)
          .findings.filter((f) => f.code === 'future-not-send' && f.range.start.line === line + shift);
        assert.deepEqual(
          again.map((f) => f.message),
          [],
          `${where}: the engine still reports it`,
        );
        proven++;
      }
    }
  });
}

test('the fixtures prove enough fixes', () => assert.ok(proven >= 10, `only ${proven} fixes proven`));

test('scope-fixes.rs: a fix where the block can end before the `.await`, the rewrite hint elsewhere', async () => {
  const engine = await enginePromise;
  const source = readFileSync(join(dir, 'scope-fixes.rs'), 'utf8');
  const lines = source.split('\n');
  const callee = (f: { range: { start: { line: number } } }) =>
    /require_send\((\w+)\(/.exec(lines[f.range.start.line])?.[1] ?? 'async block';
  const got = engine
    .analyze(source)
    .findings.filter((f) => f.code === 'future-not-send')
    .map((f) => [callee(f), f.fixes.map((x) => x.title).join(), /; (use|run) .*$/.exec(f.message)?.[0] ?? '']);
  const scope = (name: string) => `Scope \`${name}\` in a block that ends before the \`.await\``;
  const mutex =
    '; use a `tokio::sync::Mutex` instead of `std::sync::Mutex` (its guard may be held across `.await`), or run the task on one thread with `tokio::task::spawn_local`';
  const arc = '; use `Arc` instead of `Rc`, or run the task on one thread with `tokio::task::spawn_local`';
  assert.deepEqual(got, [
    ['fix_guard', scope('guard'), ''],
    ['fix_rc_with_inner_local', scope('r'), ''],
    ['fix_await_in_branch', scope('guard'), ''],
    ['fix_in_loop', scope('guard'), ''],
    ['used_in_await_statement', '', mutex],
    ['used_after_await', '', arc],
    ['inner_local_needed_after', '', arc],
    ['same_line', '', mutex],
    ['two_held', '', mutex],
    ['async block', scope('guard'), ''],
  ]);
});
