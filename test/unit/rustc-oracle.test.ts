// The oracle itself: known answers, private items in nested modules, probes rejected by declared
// bounds, and a program that does not compile (rustc's message must reach the caller).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { askRustc, RustcError } from '../oracle/rustc-oracle';

const SOURCE = `
use std::rc::Rc;
pub struct Bounded<T: Send>(T);
mod a {
    struct Private(std::cell::Cell<u8>);
    mod b {
        pub(super) struct Deep<T>(std::sync::Arc<T>);
    }
}
pub struct Plain(Rc<u8>);
`;

const result = askRustc(
  SOURCE,
  [
    { typeExpr: 'Rc<u8>', trait: 'Send' },
    { typeExpr: 'u8', trait: 'Sync' },
    { typeExpr: 'Bounded<__ProbeNeither>', trait: 'Send' },
    { typeExpr: 'Bounded<__ProbeSendOnly>', trait: 'Sync' },
    { typeExpr: 'Bounded<__ProbeSendSync>', trait: 'Sync' },
    { typeExpr: 'Private', trait: 'Send', module: 'a' },
    { typeExpr: 'Private', trait: 'Sync', module: 'a' },
    { typeExpr: 'Deep<__ProbeSendSync>', trait: 'Send', module: 'a::b' },
    { typeExpr: 'Deep<__ProbeSyncOnly>', trait: 'Send', module: 'a::b' },
    { typeExpr: 'dyn std::any::Any + Send', trait: 'Send' },
    { typeExpr: 'dyn std::any::Any + Send', trait: 'Sync' },
    { typeExpr: '__ProbeSyncOnly', trait: 'Sync' },
    { typeExpr: '__ProbeSyncOnly', trait: 'Send' },
  ],
  { cacheDir: false },
);

test('answers known questions the way rustc does', async () => {
  const r = await result;
  assert.deepEqual(r.answers, [false, true, null, false, true, true, false, true, false, true, false, true, false]);
});

test("a probe that breaks a declared bound is rejected, with rustc's reason", async () => {
  const r = await result;
  assert.deepEqual([...r.rejections.keys()], [2]);
  assert.match(r.rejections.get(2)!, /cannot be sent between threads safely/);
});

test("a program that does not compile throws rustc's message", async () => {
  await assert.rejects(askRustc('pub struct Foo { a: Bogus }', [], { cacheDir: false }), (e: unknown) => {
    assert.ok(e instanceof RustcError);
    assert.match(e.message, /cannot find type `Bogus`/);
    return true;
  });
});

test('a question rustc cannot even resolve is an error, not a rejection', async () => {
  await assert.rejects(
    askRustc('mod a { struct P; }', [{ typeExpr: 'a::P', trait: 'Send' }], { cacheDir: false }),
    /private/,
  );
});

test('questions from an unknown module are refused before compiling', async () => {
  await assert.rejects(
    askRustc('pub struct A;', [{ typeExpr: 'A', trait: 'Send', module: 'nope' }]),
    /unknown inline module/,
  );
});
