// The files of modules a build leaves out are analysed by the project's shadow (every feature on).
// In a `check` run the shadow reads a crate of tests, examples or benches only when a file no crate
// read so far holds is asked about: checking the library reads no test's inactive module, and a
// file a test reaches only through an inactive `#[path = "../src/..."]` still gets its crate's
// verdicts. The files of the build are analysed first and their trees freed before the shadow's;
// the output keeps the paths' order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

let dir = '';

function write(path: string, content: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** Runs the CLI with every file it reads logged (a preload wraps `fs.readFileSync`). */
function check(args: string[]): { status: number | null; stdout: string; stderr: string; read: string[] } {
  const log = join(dir, 'read.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['-r', join(dir, 'log-reads.cjs'), CLI, 'check', ...args], {
    cwd: join(dir, 'crate'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', READ_LOG: log },
  });
  const read = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, read };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-shadow-'));
  write(
    'log-reads.cjs',
    `const fs = require('node:fs');
const read = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (typeof path === 'string') fs.appendFileSync(process.env.READ_LOG, path + '\\n');
  return read.call(this, path, ...rest);
};
`,
  );
  write(
    'crate/Cargo.toml',
    '[package]\nname = "shady"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\ndefault = []\nextra = []\n',
  );
  write('crate/src/lib.rs', '#[cfg(feature = "extra")]\nmod gated;\npub struct Top(pub u8);\n');
  write('crate/src/gated.rs', 'pub struct Gated(pub std::cell::Cell<u8>);\n');
  write(
    'crate/tests/t.rs',
    [
      '#[cfg(feature = "extra")]',
      'mod support;',
      '#[cfg(feature = "extra")]',
      '#[path = "../src/for_tests.rs"]',
      'mod for_tests;',
      'pub struct Local(pub std::rc::Rc<u8>);',
      '',
    ].join('\n'),
  );
  write('crate/tests/support/mod.rs', 'pub struct Helper(pub u8);\n');
  // In no module of the library: only the test reaches it, and only with `extra` on.
  write('crate/src/for_tests.rs', 'pub struct Holder(pub super::Local);\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Out {
  types: { file: string; path: string; send: { status: string } }[];
}

test("checking the library's files reads no test's inactive module", () => {
  const run = check(['--format', 'json', '--jobs', '1', join('src', 'lib.rs'), join('src', 'gated.rs')]);
  assert.equal(run.stderr, '');
  const out = JSON.parse(run.stdout) as Out;
  // The library's inactive module is analysed (by the shadow) all the same.
  assert.deepEqual(
    out.types.map((t) => t.path),
    ['Top', 'gated::Gated'],
  );
  assert.ok(run.read.some((p) => p.endsWith(join('tests', 't.rs')))); // the test crate, in the build
  assert.ok(!run.read.some((p) => p.endsWith(join('tests', 'support', 'mod.rs'))), run.read.join('\n'));
});

test('a file only a test reaches, through an inactive #[path] module, gets its crate-wide verdict', () => {
  const run = check(['--format', 'json', '--jobs', '1', '.']);
  assert.equal(run.stderr, '');
  const out = JSON.parse(run.stdout) as Out;
  const holder = out.types.find((t) => t.file === join('src', 'for_tests.rs'));
  assert.ok(holder, run.stdout);
  // `super::Local` is the test's `Rc` holder: not `Send` (alone, the file could not tell).
  assert.equal(holder.path, 'for_tests::Holder');
  assert.equal(holder.send.status, 'no');
  // Files of this build are analysed before the shadow's, and printed in the order of the paths.
  assert.deepEqual(
    [...new Set(out.types.map((t) => t.file))],
    [
      join('src', 'for_tests.rs'),
      join('src', 'gated.rs'),
      join('src', 'lib.rs'),
      join('tests', 'support', 'mod.rs'),
      join('tests', 't.rs'),
    ],
  );
});
