// `check --jobs N` against `--jobs 1`: the same bytes on stdout and stderr and the same exit code
// for every format, on two crates and more loose files than one worker batch holds, with broken
// Rust and files that cannot be read among them (reported, and the others still checked).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

let dir = '';

function write(path: string, content: string | Buffer): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function cli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'check', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-jobs-'));
  const manifest = (name: string): string => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;
  write('a/Cargo.toml', manifest('a'));
  write('a/src/lib.rs', 'mod inner;\npub use inner::Holder;\npub struct A(std::rc::Rc<u8>);\n');
  write('a/src/inner.rs', 'pub struct Holder(*const u8);\nunsafe impl Send for Holder {}\n');
  write('b/Cargo.toml', manifest('b'));
  write('b/src/lib.rs', 'use std::cell::Cell;\npub struct B { c: Cell<u8> }\nunsafe impl Sync for B {}\n');
  for (let i = 0; i < 40; i++) {
    const body =
      i % 3 === 0
        ? `pub struct P${i}(*const u8);\n\nunsafe impl Send for P${i} {}\n`
        : `pub async fn f${i}() { let r = std::rc::Rc::new(1); g().await; drop(r); }\nasync fn g() {}\npub struct S${i} { a: u32 }\n`;
    write(`loose/f${String(i).padStart(2, '0')}.rs`, body);
  }
  write('loose/f05_broken.rs', 'use std::rc::Rc;\nstruct Foo { a: Rc<');
  write('loose/f17_binary.rs', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
  write('loose/f31_latin1.rs', Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
});

after(() => rmSync(dir, { recursive: true, force: true }));

for (const format of ['text', 'json', 'sarif', 'github']) {
  test(`--jobs 2 and --jobs 1 (one worker) print what the main thread alone prints, --format ${format}`, () => {
    const paths = ['a', 'loose', 'b', 'missing.rs'];
    const alone = cli(['--jobs', '1', '--format', format, ...paths], { RUST_SEND_SYNC_WORKERS: '0' });
    const one = cli(['--jobs', '1', '--format', format, ...paths]);
    const two = cli(['--jobs', '2', '--format', format, ...paths]);
    assert.equal(one.status, 2, one.stderr); // the unreadable files and the missing path
    for (const run of [alone, two]) {
      assert.equal(run.status, one.status);
      assert.equal(run.stdout, one.stdout);
      assert.equal(run.stderr, one.stderr);
    }
    // Every problem is reported, and the files beside them are still checked.
    assert.match(one.stderr, /missing\.rs: no such file/);
    assert.match(one.stderr, /f17_binary\.rs: skipped: binary file/);
    assert.match(one.stderr, /f31_latin1\.rs: skipped: not valid UTF-8/);
    for (const name of ['f00.rs', 'f39.rs', 'inner.rs', join('b', 'src', 'lib.rs')])
      assert.ok(one.stdout.includes(name), `${name} in the output`);
  });
}

test('workers that retire after each unit (their memory over the limit) leave the output as --jobs 1 has it', () => {
  // Each worker ends after one unit and a fresh one takes its place: every unit the retired ones
  // and their successors checked must be in the output, none reported as failed.
  const paths = ['a', 'loose', 'b', 'c'];
  write('c/Cargo.toml', '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n');
  write('c/src/lib.rs', 'pub struct C(std::cell::Cell<u8>);\nunsafe impl Sync for C {}\n');
  const one = cli(['--jobs', '1', '--format', 'json', ...paths], { RUST_SEND_SYNC_WORKERS: '0' });
  // At --jobs 1 no other thread checks units: each one is a fresh worker's.
  for (const jobs of ['3', '1']) {
    const run = cli(['--jobs', jobs, '--format', 'json', ...paths], { RUST_SEND_SYNC_WORKER_MEMORY_MB: '0' });
    assert.equal(run.stdout, one.stdout);
    assert.equal(run.stderr, one.stderr);
    assert.equal(run.status, one.status);
    assert.doesNotMatch(run.stderr, /analysis failed/);
  }
  for (const name of ['inner.rs', join('b', 'src', 'lib.rs'), join('c', 'src', 'lib.rs'), 'f39.rs'])
    assert.ok(one.stdout.includes(name), `${name} in the output`);
});

test('--jobs wants a positive number', () => {
  for (const bad of ['0', 'x', '-1']) {
    const run = cli(['--jobs', bad, 'loose']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--jobs wants a number/);
  }
});
