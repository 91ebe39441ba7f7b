// The rules beyond what the fixtures can say: settings that waive findings, allow comments,
// reading `macro_rules!` bodies, and the contract of every fix in every fixture (it only inserts,
// it removes its finding, and a second application offers nothing more).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { neutralizeMetavariables } from '../../server/src/rules/context';
import { defaultSettings, diagnosesOf, parseSettings } from '../../server/src/features/settings';
import type { Finding } from '../../server/src/rules';
import type { Fix } from '../../server/src/rules/rule';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const enginePromise = createEngine({ wasmDir: findWasmDir() });

async function findings(text: string): Promise<Finding[]> {
  return (await enginePromise).analyze(text).findings;
}

/** Applies a fix's insertions (positions in the original text, inserted back to front). */
function applyFix(text: string, fix: Fix): string {
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const ordered = fix.insertions.map((i) => ({ at: offsetOf(i.position), text: i.text })).sort((a, b) => b.at - a.at);
  let out = text;
  for (const i of ordered) out = out.slice(0, i.at) + i.text + out.slice(i.at);
  return out;
}

test('a Send+Sync pair under one SAFETY comment: flagged as clippy does, waived by the setting', async () => {
  const text = [
    'pub struct P(*mut u8);',
    '// SAFETY: `0` is owned.',
    'unsafe impl Send for P {}',
    'unsafe impl Sync for P {}',
    '',
  ].join('\n');
  const pair = (await findings(text)).filter((f) => f.code === 'missing-safety-comment');
  assert.equal(pair.length, 1);
  assert.equal(pair[0].range.start.line, 3);
  assert.equal(pair[0].waivedBy, 'safetyCommentCoversPair');
  assert.deepEqual(
    diagnosesOf(pair, defaultSettings()).map((d) => d.severity),
    ['warning'],
  );
  assert.deepEqual(diagnosesOf(pair, { ...defaultSettings(), safetyCommentCoversPair: true }), []);
  assert.equal(parseSettings({ safetyCommentCoversPair: true }).safetyCommentCoversPair, true);
  assert.equal(parseSettings({ safetyCommentCoversPair: 'yes' }).safetyCommentCoversPair, false);
});

test('the pair waiver needs the same type, the other trait, and the impls adjacent', async () => {
  const cases = [
    [
      'pub struct P(u8);',
      'pub struct Q(u8);',
      '// SAFETY: x',
      'unsafe impl Send for P {}',
      'unsafe impl Sync for Q {}',
    ],
    ['pub struct P(u8);', '// SAFETY: x', 'unsafe impl Send for P {}', 'pub fn f() {}', 'unsafe impl Sync for P {}'],
    [
      'pub struct P(u8);',
      'pub struct Q(u8);',
      '// SAFETY: x',
      'unsafe impl Send for P {}',
      'unsafe impl Send for Q {}',
    ],
  ];
  for (const lines of cases) {
    const missing = (await findings(lines.join('\n'))).filter((f) => f.code === 'missing-safety-comment');
    assert.equal(missing.length, 1, lines.join(' / '));
    assert.equal(missing[0].waivedBy, undefined, lines.join(' / '));
  }
});

test('`// rust-send-sync: allow(...)` above an impl silences those rules on that impl only', async () => {
  const text = [
    'pub struct Q<T>(*mut T, std::rc::Rc<u8>);',
    '// rust-send-sync: allow(missing-bound, risky-field)',
    '// SAFETY: trust me.',
    'unsafe impl<T> Send for Q<T> {}',
    '// SAFETY: trust me.',
    'unsafe impl<T> Sync for Q<T> {}',
    '',
  ].join('\n');
  const got = (await findings(text)).map((f) => `${f.range.start.line}:${f.code}`).sort();
  assert.deepEqual(got, ['5:missing-bound', '5:risky-field']);
  const bare = [
    'pub struct R(u8);',
    '// rust-send-sync: allow(missing-safety-comment)',
    'unsafe impl Send for R {}',
    '',
  ].join('\n');
  assert.deepEqual(
    (await findings(bare)).filter((f) => f.code === 'missing-safety-comment'),
    [],
  );
});

test('macro bodies are read at their own positions: `$x` and repetition marks keep their length', () => {
  const body = '$( unsafe impl Send for $t {} ),* $crate::x $($a)+ ($b)';
  const out = neutralizeMetavariables(body);
  assert.equal(out.length, body.length);
  assert.equal(out, '   unsafe impl Send for _t {}     _crate::x   _a   (_b)');
});

test('the fix for an impl sharing its line with code inserts a line break, and then clippy accepts it', async () => {
  const text = 'pub struct A(u8); unsafe impl Send for A {}\n';
  const [f] = (await findings(text)).filter((x) => x.code === 'missing-safety-comment');
  const fixed = applyFix(text, f.fixes[0]);
  assert.match(fixed, /^pub struct A\(u8\); \n\/\/ SAFETY: .*\nunsafe impl Send for A \{\}\n$/);
  assert.deepEqual(
    (await findings(fixed)).filter((x) => x.code === 'missing-safety-comment'),
    [],
  );
});

const FIXTURE_DIRS = ['findings', 'verdicts'];
const fixtureFiles = FIXTURE_DIRS.flatMap((dir) =>
  readdirSync(join(REPO_ROOT, 'test', 'fixtures', dir))
    .filter((f) => f.endsWith('.rs'))
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(REPO_ROOT, 'test', 'fixtures', dir, f), 'utf8') })),
);

test('every fix in every fixture only inserts, removes its finding, and is not offered again', async () => {
  let fixes = 0;
  for (const { name, text } of fixtureFiles) {
    for (const finding of await findings(text)) {
      for (const fix of finding.fixes) {
        fixes++;
        const where = `${name}:${finding.range.start.line + 1} ${finding.code}: ${fix.title}`;
        assert.ok(fix.insertions.length > 0, where);
        const fixed = applyFix(text, fix);
        // Insertion only: the original text is the fixed text with the insertions taken out.
        assert.equal(fixed.length, text.length + fix.insertions.reduce((n, i) => n + i.text.length, 0), where);
        const shift = fix.insertions
          .filter((i) => i.position.line <= finding.range.start.line)
          .reduce((n, i) => n + (i.text.match(/\n/g) ?? []).length, 0);
        const after = (await findings(fixed)).filter(
          (f) => f.code === finding.code && f.range.start.line === finding.range.start.line + shift,
        );
        assert.deepEqual(
          after.map((f) => f.message),
          [],
          `${where}: the finding survives its fix`,
        );
        assert.deepEqual(
          after.flatMap((f) => f.fixes),
          [],
          `${where}: a second application would insert again`,
        );
      }
    }
  }
  assert.ok(fixes >= 10, `only ${fixes} fixes in the fixtures`);
});
