// Checks the std table's `access` column (what a value gives access to, which the `&self`-API
// check reads) with rustc, in one program that must compile and whose answers it prints:
// - `shared`: the type hands out `&T` (`Deref<Target = T>`, or an iterator of `&T`) and no `&mut T`
//   (no `DerefMut`);
// - `exclusive`: it hands out `&mut T` (`DerefMut<Target = T>`, or an iterator of `&mut T`);
// - `owns`: it holds its parameters by value (a 4 KiB argument makes it at least 4 KiB, or an
//   argument with a destructor makes it need dropping), and its auto traits follow each parameter.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderAtom } from '../../server/src/model/conditions';
import { KNOWN_TYPES } from '../../server/src/model/known-types';

const rows = KNOWN_TYPES.filter((row) => row.access !== undefined);
const isIterator = (path: string) => /::Iter(Mut)?$/.test(path);
const withArg = (sample: string, arg: string) => sample.replace(/\$[A-Z]/g, arg);

function program(): { source: string; labels: string[] } {
  const checks: string[] = [];
  const prints: string[] = [];
  const labels: string[] = [];
  rows.forEach((row, i) => {
    const u8 = withArg(row.sample, 'u8');
    switch (row.access) {
      case 'shared':
        checks.push(
          isIterator(row.path)
            ? `fn c${i}(mut it: ${u8}) -> Option<&'static u8> { it.next() }`
            : `fn c${i}<'a>(g: &'a ${u8}) -> &'a u8 { &**g }`,
        );
        if (!isIterator(row.path)) {
          prints.push(`!P::<${u8}>::MUT`);
          labels.push(`${row.path} has no DerefMut`);
        }
        break;
      case 'exclusive':
        checks.push(
          isIterator(row.path)
            ? `fn c${i}(mut it: ${u8}) -> Option<&'static mut u8> { it.next() }`
            : `fn c${i}<'a>(g: &'a mut ${u8}) -> &'a mut u8 { &mut **g }`,
        );
        break;
      case 'owns':
        prints.push(
          `std::mem::size_of::<${withArg(row.sample, 'Big')}>() >= 4096 || std::mem::needs_drop::<${withArg(row.sample, 'Droppy')}>()`,
        );
        labels.push(`${row.path} holds its parameters by value`);
        break;
      case undefined:
        break;
    }
  });
  const source = `#![allow(dead_code)]
use std::ops::DerefMut;
struct P<G: ?Sized>(std::marker::PhantomData<G>);
trait NotMut { const MUT: bool = false; }
impl<G: ?Sized> NotMut for P<G> {}
impl<G: ?Sized + DerefMut> P<G> { const MUT: bool = true; }
struct Big([u8; 4096]);
struct Droppy;
impl Drop for Droppy { fn drop(&mut self) {} }
${checks.join('\n')}
fn main() {
${prints.map((p) => `    println!("{}", ${p});`).join('\n')}
}
`;
  return { source, labels };
}

test('the std table marks its wrappers and guards', () => {
  const byAccess = (access: string) => rows.filter((r) => r.access === access).map((r) => r.path.split('::').pop());
  assert.ok(byAccess('owns').includes('Option') && byAccess('owns').includes('Vec'));
  assert.ok(byAccess('shared').includes('Ref') && byAccess('shared').includes('RwLockReadGuard'));
  assert.ok(byAccess('exclusive').includes('MutexGuard') && byAccess('exclusive').includes('RefMut'));
});

test('an `owns` row is as Send and Sync as each of its parameters', () => {
  for (const row of rows.filter((r) => r.access === 'owns')) {
    for (const [trait, rule] of [
      ['Send', row.send],
      ['Sync', row.sync],
    ] as const) {
      const want = row.params.map((p) => `${p}: ${trait}`);
      assert.deepEqual(typeof rule === 'string' ? rule : rule.map(renderAtom), want, `${row.path} ${trait}`);
    }
  }
});

test('every `access` row agrees with rustc', () => {
  const { source, labels } = program();
  const dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-access-'));
  try {
    writeFileSync(join(dir, 'main.rs'), source);
    // A row whose claim is false does not compile (the `c` functions) or prints `false`.
    execFileSync('rustc', ['--edition', '2021', '-o', join(dir, 'main'), join(dir, 'main.rs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const answers = execFileSync(join(dir, 'main'), { encoding: 'utf8' }).trim().split('\n');
    assert.equal(answers.length, labels.length);
    const wrong = labels.filter((_, i) => answers[i] !== 'true');
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
