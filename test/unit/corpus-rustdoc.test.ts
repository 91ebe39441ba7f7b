// The rustdoc reader of the corpus comparison (test/oracle/corpus-*.ts), on impl headers as stable
// rustdoc writes them: a misread header would mark a right engine verdict wrong, or a wrong one right.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, DocVerdicts } from '../oracle/corpus-compare';
import {
  declarationWhere,
  headerText,
  parseDeclaration,
  parseImplHeader,
  type DocItem,
} from '../oracle/corpus-rustdoc';

const SEND =
  '<a class="trait" href="https://doc.rust-lang.org/core/marker/trait.Send.html" title="trait core::marker::Send">Send</a>';
const SYNC =
  '<a class="trait" href="https://doc.rust-lang.org/core/marker/trait.Sync.html" title="trait core::marker::Sync">Sync</a>';

test('headerText strips tags, names linked types by full path and keeps the where clause', () => {
  const html =
    `impl&lt;T, F: ${SEND}&gt; ${SYNC} for <a class="struct" href="struct.Lazy.html" title="struct once_cell::sync::Lazy">Lazy</a>&lt;T, F&gt;` +
    `<div class="where">where\n    <a class="struct" href="struct.OnceCell.html" title="struct once_cell::sync::OnceCell">OnceCell</a>&lt;T&gt;: ${SYNC},</div>`;
  assert.equal(
    headerText(html),
    'impl<T, F: Send> Sync for once_cell::sync::Lazy<T, F> where once_cell::sync::OnceCell<T>: Sync,',
  );
});

test('parseImplHeader reads generics, negation, self arguments and where predicates', () => {
  const p = parseImplHeader(
    "impl<'a, T: ?Sized + Send, F: Fn() -> T> !Sync for a::X<'a, T, F> where T: Sync, <T as It>::Item: Send,",
  )!;
  assert.equal(p.negative, true);
  assert.equal(p.trait, 'Sync');
  assert.deepEqual(
    p.generics.map((g) => [g.name, g.bounds]),
    [
      ["'a", []],
      ['T', ['?Sized', 'Send']],
      ['F', ['Fn() -> T']],
    ],
  );
  assert.deepEqual(p.selfArgs, ["'a", 'T', 'F']);
  assert.deepEqual(p.where, [
    ['T', ['Sync']],
    ['<T as It>::Item', ['Send']],
  ]);
});

test('parseDeclaration collects inline and where bounds', () => {
  const params = parseDeclaration('pub struct X<T: Send, U = ()>(/* private fields */) where U: Sync + Copy;');
  assert.deepEqual(
    params.map((p) => [p.name, p.bounds]),
    [
      ['T', ['Send']],
      ['U', ['Sync', 'Copy']],
    ],
  );
});

function item(path: string, decl: string, impls: string[], synthetic = true): DocItem {
  const name = path.split('::').pop()!;
  return {
    path,
    pages: [path],
    name,
    kind: 'struct',
    params: parseDeclaration(decl),
    impls: impls.map((text) => ({
      text,
      trait: parseImplHeader(text)!.trait as 'Send' | 'Sync',
      negative: parseImplHeader(text)!.negative,
      synthetic,
    })),
  };
}

test('verdicts: declared bounds dropped, impl names mapped, other types reduced, manual impls win', () => {
  const cell = item('c::Cell2', 'pub struct Cell2<X>', [
    'impl<X> Send for c::Cell2<X> where X: Send',
    'impl<X> !Sync for c::Cell2<X>',
  ]);
  const guard = item(
    'c::Guard',
    'pub struct Guard<R: Raw, T>',
    ['impl<Q: Raw + Sync, U: Sync> Sync for c::Guard<Q, U>'],
    false,
  );
  const lazy = item(
    'c::Lazy',
    'pub struct Lazy<T, F>',
    ['impl<A, B: Send> Sync for c::Lazy<A, B> where c::Cell2<A>: Send, alloc::sync::Arc<B>: Sync'],
    false,
  );
  const never = item(
    'c::Never',
    'pub struct Never<T>',
    ['impl<T> Sync for c::Never<T> where c::Cell2<T>: Sync'],
    false,
  );
  const only = item('c::Only', 'pub struct Only<T>', ['impl Send for c::Only<u8>', 'impl<T> !Send for c::Only<T>']);
  only.impls[0].synthetic = false;
  const v = new DocVerdicts([cell, guard, lazy, never, only]);
  assert.deepEqual(v.verdict(guard, 'Sync'), {
    status: 'conditional',
    requires: ['R: Sync', 'T: Sync'],
    exact: true,
    from: guard.impls.map((i) => i.text),
  });
  assert.deepEqual(v.verdict(lazy, 'Sync')?.requires, ['F: Send', 'F: Sync', 'T: Send']);
  assert.equal(v.verdict(never, 'Sync')?.status, 'no');
  assert.deepEqual(v.verdict(only, 'Send')?.requires, ['T = u8']);
  assert.equal(v.verdict(cell, 'Sync')?.status, 'no');
});

test('verdicts: nested projections, and where clauses on projections the declaration states or not', () => {
  const decl = 'pub struct List<A: Adapter>(/* private fields */) where A::LinkOps: ListOps;';
  assert.deepEqual(declarationWhere(decl), [['A::LinkOps', ['ListOps']]]);
  const list = {
    ...item('c::List', decl, [
      'impl<A: Adapter + Send> Send for c::List<A> where <A::PointerOps as PointerOps>::Pointer: Send, A::LinkOps: ListOps',
      'impl<A: Adapter + Sync> Sync for c::List<A> where A::LinkOps: Extra',
    ]),
    where: declarationWhere(decl),
  };
  for (const i of list.impls) i.synthetic = false;
  const cursor = item('c::Cursor', "pub struct Cursor<'a, A: Adapter>", [
    "impl<'a, A> Send for c::Cursor<'a, A> where A: Sync, <<A as Adapter>::LinkOps as LinkOps>::LinkPtr: Send",
  ]);
  const v = new DocVerdicts([list, cursor]);
  // The short form is qualified inside the projection; the declared bound is no condition.
  assert.deepEqual(v.verdict(list, 'Send')?.requires, [
    '<<A as Adapter>::PointerOps as PointerOps>::Pointer: Send',
    'A: Send',
  ]);
  assert.equal(v.verdict(list, 'Send')?.exact, true);
  // One the declaration does not state is.
  assert.deepEqual(v.verdict(list, 'Sync')?.requires, ['<A as Adapter>::LinkOps: Extra', 'A: Sync']);
  assert.deepEqual(v.verdict(cursor, 'Send')?.requires, [
    '<<A as Adapter>::LinkOps as LinkOps>::LinkPtr: Send',
    'A: Sync',
  ]);
});

test('classify compares status and atoms, whatever their order and grouping', () => {
  const doc = { status: 'conditional' as const, requires: ['T: Send', 'U: Sync'], exact: true, from: [] };
  const engine = (status: 'yes' | 'no' | 'conditional' | 'unknown', requires: string[]) => ({
    status,
    requires,
    source: 'auto' as const,
    reasons: [],
  });
  assert.equal(classify(engine('conditional', ['U: Sync', 'T: Send']), doc), 'correct');
  assert.equal(classify(engine('conditional', ['T: Send']), doc), 'wrong');
  assert.equal(classify(engine('yes', []), doc), 'wrong');
  assert.equal(classify(engine('unknown', []), doc), 'unknown');
  assert.equal(classify(engine('yes', []), undefined), 'not-matched');
  assert.equal(classify(engine('yes', []), { ...doc, exact: false }), 'unchecked');
});
