// The CLI's output formats (text, JSON, SARIF, GitHub workflow commands), built from a scripted engine's output: 1-based positions in
// Unicode characters (not UTF-16 units), exclusive end columns, rule overrides, rustc-like text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../server/src/cli/args';
import { checkText, exitCodeOf, settingsFromOptions, type CheckRun } from '../../server/src/cli/check';
import { buildJsonReport } from '../../server/src/cli/format-json';
import { escapeData, escapeProperty, formatGithub } from '../../server/src/cli/format-github';
import { buildSarif } from '../../server/src/cli/format-sarif';
import { formatText } from '../../server/src/cli/format-text';
import { defaultSettings } from '../../server/src/features/settings';
import { autoAtom } from '../../server/src/model/conditions';
import { createScriptedEngine, no } from '../scripted-engine';

const engine = createScriptedEngine({
  Foo: {
    send: no('field `a`: `Rc<u8>`: `Rc` is neither Send nor Sync'),
    sync: no('field `a`: `Rc<u8>`: `Rc` is neither Send nor Sync'),
  },
  Wrap: {
    params: ['T'],
    send: { status: 'conditional', requires: [autoAtom('T', 'Send')], source: 'unsafe-impl', reasons: [] },
    sync: no('field `p`: `*mut T` is never Sync'),
  },
});

// The crab is one character but two UTF-16 code units: columns after it must count it once.
const SOURCE = [
  '/* 🦀 */ pub struct Foo { a: Rc<u8> }',
  'pub struct Wrap<T> { p: *mut T }',
  '  unsafe impl Send for Wrap {}',
  '',
].join('\n');

function run(settings = defaultSettings()): CheckRun {
  return { files: [checkText('src/lib.rs', SOURCE, engine, settings)], problems: [] };
}

test('JSON: types and diagnostics with 1-based character columns and an exclusive end', () => {
  const report = buildJsonReport(run());
  assert.deepEqual(
    report.types.map((t) => [t.name, t.line, t.column, t.send.status, t.sync.status, t.send.requires]),
    [
      ['Foo', 1, 20, 'no', 'no', []],
      ['Wrap', 2, 12, 'conditional', 'no', ['T: Send']],
    ],
  );
  assert.deepEqual(report.types[0].reasons, ['field `a`: `Rc<u8>`: `Rc` is neither Send nor Sync']);
  assert.equal(report.types[1].send.source, 'unsafe-impl');
  assert.deepEqual(report.diagnostics, [
    {
      file: 'src/lib.rs',
      line: 3,
      column: 3,
      endLine: 3,
      endColumn: 31,
      severity: 'warning',
      code: 'missing-safety-comment',
      codes: ['missing-safety-comment'],
      message: '`unsafe impl Send for Wrap` has no SAFETY comment',
    },
  ]);
});

test('rule overrides from the command line change the severity or drop the finding', () => {
  const parsed = parseArgs(['check', '--rule', 'missing-safety-comment=error', 'x']);
  assert.equal(parsed.kind, 'check');
  if (parsed.kind !== 'check') return;
  assert.equal(buildJsonReport(run(settingsFromOptions(parsed.options))).diagnostics[0].severity, 'error');
  const off = parseArgs(['check', '--rule=missing-safety-comment=off', 'x']);
  if (off.kind !== 'check') assert.fail(off.kind);
  const quiet = run(settingsFromOptions(off.options));
  assert.deepEqual(buildJsonReport(quiet).diagnostics, []);
  assert.equal(exitCodeOf(quiet), 0);
  assert.equal(exitCodeOf(run()), 1);
  assert.equal(exitCodeOf({ ...quiet, problems: [{ path: 'x', message: 'gone' }] }), 2);
});

test('SARIF: level, rule index and region', () => {
  const sarif = buildSarif(run(), '1.2.3') as {
    runs: {
      tool: { driver: { version: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: { physicalLocation: { region: object } }[];
      }[];
    }[];
  };
  const [result] = sarif.runs[0].results;
  assert.equal(sarif.runs[0].tool.driver.version, '1.2.3');
  assert.equal(sarif.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
  assert.equal(result.level, 'warning');
  // Each rule's default level is its own: the clean-up hint is a note, the others warnings.
  const levels = Object.fromEntries(sarif.runs[0].tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level]));
  assert.equal(levels['unnecessary-unsafe-impl'], 'note');
  assert.equal(levels['missing-bound'], 'warning');
  assert.deepEqual(result.locations[0].physicalLocation.region, {
    startLine: 3,
    startColumn: 3,
    endLine: 3,
    endColumn: 31,
    snippet: { text: '  unsafe impl Send for Wrap {}' },
  });
});

test('text: verdict lines, reasons, a rustc-style finding with carets, and a summary', () => {
  const text = formatText(run(), false);
  const lines = text.split('\n');
  assert.ok(lines.includes('src/lib.rs:1:20: struct Foo: Send ✗  Sync ✗'), text);
  assert.ok(lines.includes('    = field `a`: `Rc<u8>`: `Rc` is neither Send nor Sync'), text);
  assert.ok(lines.includes('src/lib.rs:2:12: struct Wrap<T>: Send ✓ if T: Send (unsafe impl Send)  Sync ✗'), text);
  assert.ok(lines.includes('    = Sync: field `p`: `*mut T` is never Sync'), text);
  const at = lines.indexOf(
    'src/lib.rs:3:3: warning[missing-safety-comment]: `unsafe impl Send for Wrap` has no SAFETY comment',
  );
  assert.ok(at >= 0, text);
  assert.deepEqual(lines.slice(at + 1, at + 4), [
    '  |',
    '3 |   unsafe impl Send for Wrap {}',
    `  |   ${'^'.repeat(28)}`,
  ]);
  assert.equal(lines.at(-2), 'checked 1 file, 2 types, 1 warning');
  assert.ok(!text.includes('\u001b['), 'no colour unless asked');
  assert.ok(formatText(run(), true).includes('\u001b['), 'colour when asked');
});

test('argument parsing: formats, sizes, server flags, errors', () => {
  assert.deepEqual(parseArgs(['--stdio']), { kind: 'server' });
  assert.deepEqual(parseArgs(['--node-ipc']), { kind: 'server' });
  const parsed = parseArgs(['check', '--format=sarif', '--max-file-size', '1K', '--', '-weird.rs', 'a']);
  assert.deepEqual(parsed, {
    kind: 'check',
    options: { format: 'sarif', paths: ['-weird.rs', 'a'], rules: {}, maxFileSize: 1024 },
  });
  for (const bad of [
    ['check', '--max-file-size', 'lots', 'a'],
    ['check', '--format'],
    ['lint', 'a'],
  ]) {
    assert.equal(parseArgs(bad).kind, 'usage-error', bad.join(' '));
  }
});

test('a file with syntax errors gets a note in text mode', () => {
  const partial = { files: [checkText('p.rs', 'struct Foo { a: Rc<', engine, defaultSettings())], problems: [] };
  assert.match(formatText(partial, false), /^p\.rs: note: 1 syntax error in this file/m);
});

test('clippy level switches: in order, the last for a rule wins; --deny warnings on top', () => {
  const parsed = parseArgs([
    'check',
    '--rule',
    'risky-field=error',
    '-A',
    'risky-field',
    '--warn=missing-bound',
    '-D',
    'warnings',
    '--deny',
    'unnecessary-unsafe-impl',
    '--allow',
    'missing-safety-comment',
    '-W',
    'missing-safety-comment',
    'x',
  ]);
  assert.deepEqual(parsed, {
    kind: 'check',
    options: {
      format: 'text',
      paths: ['x'],
      rules: {
        'risky-field': 'off',
        'missing-bound': 'warning',
        'unnecessary-unsafe-impl': 'error',
        'missing-safety-comment': 'warning',
      },
      maxFileSize: 5 * 1024 * 1024,
      denyWarnings: true,
    },
  });
  for (const bad of [
    ['check', '--deny', 'nope', 'x'],
    ['check', '-A', 'warnings', 'x'],
    ['check', '--warn'],
  ]) {
    assert.equal(parseArgs(bad).kind, 'usage-error', bad.join(' '));
  }
});

test('--deny warnings reports warnings as errors and leaves the other levels', () => {
  const settings = defaultSettings();
  const denied = checkText('src/lib.rs', SOURCE, engine, settings, true);
  assert.deepEqual(
    denied.findings.map((f) => f.severity),
    ['error'],
  );
  settings.rules['missing-safety-comment'] = 'hint';
  assert.deepEqual(
    checkText('src/lib.rs', SOURCE, engine, settings, true).findings.map((f) => f.severity),
    ['hint'],
  );
});

test('GitHub workflow commands: escaping of messages and properties', () => {
  assert.equal(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
  assert.equal(escapeProperty('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext%3A a%2C b');
});

test('GitHub workflow commands: one per finding, path from the working directory, 1-based span', () => {
  const lines = formatGithub(run(), process.cwd()).split('\n');
  assert.equal(
    lines[0],
    '::warning file=src/lib.rs,line=3,col=3,endLine=3,endColumn=31,title=rust-send-sync missing-safety-comment::' +
      '`unsafe impl Send for Wrap` has no SAFETY comment%0Asee https://github.com/rust-send-sync/rust-send-sync#missing-safety-comment',
  );
  assert.equal(lines[1], 'checked 1 file, 2 types, 1 warning');
  const denied = { files: [checkText('src/lib.rs', SOURCE, engine, defaultSettings(), true)], problems: [] };
  assert.match(formatGithub(denied, process.cwd()), /^::error file=src\/lib\.rs,/);
});
