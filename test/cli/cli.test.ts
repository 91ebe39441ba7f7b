// The CLI as CI and terminals meet it: `node dist/cli.js` run as a subprocess on files written
// to a temporary folder. Formats, exit codes, bad paths and bad files, half-typed Rust.
// Tests marked [engine] need the real analysis engine's verdicts and findings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { slowToParse } from '../slow-parse';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

const CLEAN = 'pub struct Container {\n    a: u32,\n    b: i64,\n    c: String,\n}\n';
const RC = 'use std::rc::Rc;\n\npub struct Foo {\n    a: Rc<u8>,\n}\n';
const UNSAFE = 'pub struct P(*const u8);\n\nunsafe impl Send for P {}\n';

let dir = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(path: string, content: string | Buffer): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-cli-'));
  write('clean/src/lib.rs', CLEAN);
  write('rc/src/lib.rs', RC);
  write('unsafe/src/lib.rs', UNSAFE);
  write('unsafe/target/debug/build/gen.rs', UNSAFE); // skipped: target/
  write('unsafe/node_modules/x/y.rs', UNSAFE); // skipped: node_modules/
  write('unsafe/src/notes.txt', UNSAFE); // skipped: not .rs
  write('partial.rs', 'use std::rc::Rc;\nstruct Foo { a: Rc<');
  write('binary.rs', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00]));
  write('latin1.rs', Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\npub struct A;\n')]));
  write('huge.rs', `${'// filler line to make the file large\n'.repeat(280_000)}pub struct Big;\n`);
  write('broken/Cargo.toml', '[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n');
  write('broken/src/lib.rs', `mod slow;\n${UNSAFE}`);
  write('broken/src/slow.rs', slowToParse());
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('--help and --version print to stdout and exit 0', () => {
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /check \[OPTIONS\] PATH/);
  const version = cli(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^rust-send-sync \d+\.\d+\.\d+/);
});

test('usage errors exit 2 with a message on stderr and nothing on stdout', () => {
  for (const args of [
    [],
    ['frobnicate'],
    ['check'],
    ['check', '--format', 'xml', 'clean'],
    ['check', '--rule', 'nope=off', 'clean'],
    ['check', '--bogus', 'clean'],
    ['check', '--deny', 'nope', 'clean'],
    ['check', '--allow', 'warnings', 'clean'],
  ]) {
    const run = cli(args);
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stdout, '', args.join(' '));
    assert.match(run.stderr, /^error: /, args.join(' '));
  }
});

test('a folder with no findings exits 0 in every format', () => {
  for (const format of ['text', 'json', 'sarif', 'github']) {
    const run = cli(['check', '--format', format, 'clean']);
    assert.equal(run.status, 0, `${format}: ${run.stderr}`);
    assert.equal(run.stderr, '');
  }
});

test('JSON output is only JSON and follows the version 1 shape', () => {
  const run = cli(['check', '--format', 'json', 'clean', 'rc']);
  const report = JSON.parse(run.stdout) as { version: number; types: unknown[]; diagnostics: unknown[] };
  assert.equal(report.version, 1);
  assert.ok(Array.isArray(report.types));
  assert.ok(Array.isArray(report.diagnostics));
  assert.deepEqual(Object.keys(report).sort(), ['diagnostics', 'futures', 'types', 'version']);
});

test('[engine] JSON lists every type with 1-based positions, verdicts and reasons', () => {
  const run = cli(['check', '--format', 'json', 'clean', 'rc']);
  const report = JSON.parse(run.stdout) as {
    types: {
      file: string;
      path: string;
      name: string;
      kind: string;
      line: number;
      column: number;
      send: { status: string; requires: string[]; source: string };
      sync: { status: string };
      reasons: string[];
    }[];
  };
  const container = report.types.find((t) => t.name === 'Container');
  assert.deepEqual(container, {
    file: join('clean', 'src', 'lib.rs'),
    path: 'Container',
    name: 'Container',
    kind: 'struct',
    line: 1,
    column: 12,
    send: { status: 'yes', requires: [], source: 'auto' },
    sync: { status: 'yes', requires: [], source: 'auto' },
    reasons: [],
  });
  const foo = report.types.find((t) => t.name === 'Foo');
  assert.ok(foo);
  assert.equal(foo.file, join('rc', 'src', 'lib.rs'));
  assert.equal(foo.line, 3);
  assert.equal(foo.send.status, 'no');
  assert.equal(foo.sync.status, 'no');
  assert.ok(foo.reasons.length > 0 && foo.reasons.some((r) => r.includes('Rc')), JSON.stringify(foo.reasons));
  assert.equal(new Set(foo.reasons).size, foo.reasons.length, 'reasons are deduplicated');
});

test('[engine] a missing SAFETY comment exits 1 and is reported in all three formats', () => {
  const json = cli(['check', '--format', 'json', 'unsafe']);
  assert.equal(json.status, 1, json.stderr);
  const report = JSON.parse(json.stdout) as {
    diagnostics: {
      file: string;
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
      severity: string;
      code: string;
      message: string;
    }[];
  };
  const finding = report.diagnostics.find((d) => d.code === 'missing-safety-comment');
  assert.ok(finding, json.stdout);
  assert.equal(finding.file, join('unsafe', 'src', 'lib.rs'));
  assert.equal(finding.line, 3);
  assert.equal(finding.column, 1);
  assert.equal(finding.severity, 'warning');
  assert.ok(finding.endLine > finding.line || finding.endColumn > finding.column);
  assert.ok(
    report.diagnostics.every((d) => d.file === join('unsafe', 'src', 'lib.rs')),
    'target/ and node_modules/ were skipped',
  );

  const text = cli(['check', 'unsafe']);
  assert.equal(text.status, 1);
  const lines = text.stdout.split('\n');
  const header = lines.findIndex((l) =>
    l.startsWith(`${join('unsafe', 'src', 'lib.rs')}:3:1: warning[missing-safety-comment]: `),
  );
  assert.ok(header >= 0, text.stdout);
  assert.ok(
    lines.slice(header, header + 4).some((l) => l.endsWith('| unsafe impl Send for P {}')),
    'the source line follows',
  );
  assert.ok(
    lines.slice(header, header + 5).some((l) => /\| \^+$/.test(l)),
    'a caret line follows',
  );

  const sarif = cli(['check', '--format', 'sarif', 'unsafe']);
  assert.equal(sarif.status, 1);
  const log = JSON.parse(sarif.stdout) as {
    runs: {
      results: {
        ruleId: string;
        level: string;
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      }[];
    }[];
  };
  const result = log.runs[0].results.find((r) => r.ruleId === 'missing-safety-comment');
  assert.ok(result);
  assert.equal(result.level, 'warning');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'unsafe/src/lib.rs');
  assert.equal(result.locations[0].physicalLocation.region.startLine, 3);
});

test('[engine] --format github: workflow commands, --deny warnings makes them errors, --allow drops them', () => {
  const run = cli(['check', '--format', 'github', 'unsafe']);
  assert.equal(run.status, 1);
  const commands = run.stdout.split('\n').filter((l) => l.startsWith('::'));
  assert.ok(commands.length > 0, run.stdout);
  assert.match(
    commands[0],
    /^::warning file=unsafe\/src\/lib\.rs,line=3,col=1,endLine=3,endColumn=\d+,title=rust-send-sync [a-z-]+::/,
  );
  const denied = cli(['check', '--format', 'github', '-D', 'warnings', 'unsafe']).stdout;
  assert.match(denied, /^::error file=unsafe\/src\/lib\.rs,line=3,/);
  const codes = ['missing-safety-comment', 'risky-field', 'missing-bound'].flatMap((c) => ['--allow', c]);
  const quiet = cli(['check', '--format', 'github', ...codes, 'unsafe']);
  assert.equal(quiet.status, 0);
  assert.ok(!quiet.stdout.includes('::'), quiet.stdout);
});

test('[engine] --rule sets a rule off or raises it to error', () => {
  const off = cli([
    'check',
    '--rule',
    'missing-safety-comment=off',
    '--rule=risky-field=off',
    '--rule',
    'missing-bound=off',
    'unsafe',
  ]);
  assert.equal(off.status, 0, off.stdout);
  const error = JSON.parse(
    cli(['check', '--format', 'json', '--rule', 'missing-safety-comment=error', 'unsafe']).stdout,
  ) as { diagnostics: { code: string; severity: string }[] };
  assert.equal(error.diagnostics.find((d) => d.code === 'missing-safety-comment')?.severity, 'error');
});

test('SARIF output is 2.1.0 with the rules and their help links', () => {
  const run = cli(['check', '--format', 'sarif', 'clean']);
  const log = JSON.parse(run.stdout) as {
    version: string;
    runs: { tool: { driver: { name: string; rules: { id: string; helpUri: string }[] } }; results: unknown[] }[];
  };
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  assert.equal(log.runs[0].tool.driver.name, 'rust-send-sync');
  assert.deepEqual(log.runs[0].tool.driver.rules.map((r) => r.id).sort(), [
    'arc-not-sync',
    'future-not-send',
    'missing-bound',
    'missing-safety-comment',
    'risky-field',
    'unnecessary-unsafe-impl',
    'value-not-send',
  ]);
  for (const rule of log.runs[0].tool.driver.rules) assert.ok(rule.helpUri.endsWith(`#${rule.id}`));
  assert.deepEqual(log.runs[0].results, []);
});

test('a missing path is reported, the other paths are still checked, and the exit is 2', () => {
  const run = cli(['check', '--format', 'json', 'does-not-exist', 'clean']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /does-not-exist: no such file or folder/);
  assert.equal((JSON.parse(run.stdout) as { version: unknown }).version, 1, 'JSON for the rest still printed');
});

test('a binary file is skipped with a clear message (exit 2)', () => {
  const run = cli(['check', 'binary.rs', 'clean']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /binary\.rs: skipped: binary file/);
  assert.match(run.stdout, /checked 1 file\b/);
});

test('a non-UTF-8 file is skipped with a clear message (exit 2)', () => {
  const run = cli(['check', '--format', 'json', 'latin1.rs']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /latin1\.rs: skipped: not valid UTF-8/);
  assert.deepEqual(JSON.parse(run.stdout), { version: 1, types: [], futures: [], diagnostics: [] });
});

test('a 10 MB file is skipped at the default limit, and checked with a higher --max-file-size', () => {
  const skipped = cli(['check', 'huge.rs']);
  assert.equal(skipped.status, 2);
  assert.match(skipped.stderr, /huge\.rs: skipped: 10\.\d MB is over the 5\.0 MB limit/);
  const checked = cli(['check', '--max-file-size', '20M', 'huge.rs']);
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(checked.stderr, '');
  assert.match(checked.stdout, /checked 1 file/);
});

test('[engine] a file too broken to parse in time is skipped with a message; its crate is still checked (exit 2)', () => {
  for (const args of [['broken'], ['--jobs', '2', 'broken'], ['broken/src/slow.rs']]) {
    const run = cli(['check', '--format', 'json', ...args]);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /slow\.rs: skipped: parsing took over \d+ ms: the text is too broken to read in time/);
    const report = JSON.parse(run.stdout) as { types: { name: string }[]; diagnostics: { code: string }[] };
    if (args.at(-1) === 'broken')
      assert.deepEqual(
        [report.types.map((t) => t.name), report.diagnostics.map((d) => d.code)],
        [['P'], ['missing-safety-comment']],
      );
  }
});

test('half-typed Rust does not crash', () => {
  for (const format of ['text', 'json', 'sarif']) {
    const run = cli(['check', '--format', format, 'partial.rs']);
    assert.ok(run.status === 0 || run.status === 1, `${format}: ${run.status} ${run.stderr}`);
    assert.equal(run.stderr, '');
    if (format !== 'text') JSON.parse(run.stdout);
  }
});

test('[engine] half-typed Rust still lists its type, as unknown or better, and says it does not parse', () => {
  const report = JSON.parse(cli(['check', '--format', 'json', 'partial.rs']).stdout) as { types: { name: string }[] };
  assert.ok(
    report.types.some((t) => t.name === 'Foo'),
    JSON.stringify(report),
  );
  assert.match(cli(['check', 'partial.rs']).stdout, /partial\.rs: note: \d+ syntax errors?/);
});

test('[engine] text mode prints each type verdict on a clickable line, and a summary', () => {
  const run = cli(['check', 'rc', 'clean']);
  assert.match(run.stdout, new RegExp(`^${join('rc', 'src', 'lib.rs')}:3:12: struct Foo: Send ✗  Sync ✗$`, 'm'));
  assert.match(run.stdout, /^ {4}= .*Rc/m);
  assert.match(run.stdout, /^checked 2 files, 2 types, no findings$/m);
});

test('[engine] one diagnostic per impl in every format, and --no-group gives one per finding', () => {
  write(
    'grouped/lib.rs',
    [
      'pub struct RawBox<T> { ptr: *mut T }',
      'unsafe impl<T> Send for RawBox<T> {}',
      'pub struct SharedCounter { value: std::cell::UnsafeCell<u64> }',
      'impl SharedCounter { pub fn bump(&self) { unsafe { *self.value.get() += 1 } } }',
      '// SAFETY: `value` is only bumped by one thread at a time.',
      'unsafe impl Sync for SharedCounter {}',
      '',
    ].join('\n'),
  );
  interface Json {
    diagnostics: { line: number; code: string; codes: string[] }[];
  }
  const grouped = JSON.parse(cli(['check', '--format', 'json', 'grouped']).stdout) as Json;
  assert.deepEqual(
    grouped.diagnostics.map((d) => [d.line, d.code, d.codes]),
    [
      [2, 'missing-bound', ['missing-bound', 'missing-safety-comment']],
      [6, 'risky-field', ['risky-field']],
    ],
  );
  const each = JSON.parse(cli(['check', '--format', 'json', '--no-group', 'grouped']).stdout) as Json;
  assert.deepEqual(
    each.diagnostics.map((d) => [d.line, d.code]),
    [
      [2, 'missing-bound'],
      [2, 'missing-safety-comment'],
      [6, 'risky-field'],
    ],
  );
  const text = cli(['check', 'grouped']).stdout;
  assert.match(text, /warning\[missing-bound\]: [^\n]*\n(.*\n){3}.*= also\[missing-safety-comment\]: /);
  assert.match(text, /= help: Add `T: Send` to the impl\n.*= help: Add a `\/\/ SAFETY:` comment/);
  const sarif = JSON.parse(cli(['check', '--format', 'sarif', 'grouped']).stdout) as {
    runs: {
      results: { ruleId: string; relatedLocations?: { physicalLocation: { region: { startLine: number } } }[] }[];
    }[];
  };
  const results = sarif.runs[0].results;
  assert.deepEqual(
    results.map((r) => r.ruleId),
    ['missing-bound', 'risky-field'],
  );
  assert.deepEqual(
    results[1].relatedLocations?.map((l) => l.physicalLocation.region.startLine),
    [3],
  );
});
