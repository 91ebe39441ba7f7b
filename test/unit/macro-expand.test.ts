// The small macro_rules! expander item macros use (server/src/model/macro-expand.ts): rules are
// matched as rustc matches them, fragments delimited by what the rule wants next, repetitions
// written once per match, doc comments read as `#[doc]` attributes; anything it cannot delimit
// gives no expansion rather than a wrong one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandCall, macroRules, tokenize, tokensText } from '../../server/src/model/macro-expand';

const expand = (definition: string, body: string) => {
  const rules = macroRules(definition);
  assert.ok(rules, 'the rules read');
  return expandCall(rules, body);
};

test('a rule taking an identifier writes the type it names, with its generics', () => {
  const def = 'macro_rules! define_endian { ($endian:ident) => { #[repr(transparent)] pub struct $endian<T>(T); }; }';
  assert.equal(expand(def, 'BigEndian'), '# [repr (transparent ) ] pub struct BigEndian < T > (T ) ;');
  assert.equal(expand(def, 'BigEndian, Extra'), undefined, 'no rule takes two');
});

test('the first rule that matches is the one written; literal tokens must match', () => {
  const def = `macro_rules! pick {
    (rc $name:ident) => { pub struct $name(std::rc::Rc<u8>); };
    ($name:ident) => { pub struct $name(u8); };
  }`;
  assert.equal(expand(def, 'rc Counted'), 'pub struct Counted (std::rc::Rc < u8 > ) ;');
  assert.equal(expand(def, 'Plain'), 'pub struct Plain (u8 ) ;');
});

test('repetitions with separators, nested ones, and fragments ended by the next token', () => {
  const def = `macro_rules! make_struct {
    {$($(#[$doc:meta])* $name:ident ($code:expr) = $default:expr,)*} => {
      pub struct Params { $($(#[$doc])* pub $name: u64,)* }
      const CODES: &[u64] = &[$($code),*];
    }
  }`;
  const body = `
    /// Milliseconds.
    max_idle_timeout(0x0001) = 0,
    max_udp_payload_size(0x0003 + 1) = 65527,
  `;
  assert.equal(
    expand(def, body),
    'pub struct Params {# [doc = " Milliseconds." ] pub max_idle_timeout : u64 , pub max_udp_payload_size : u64 , } const CODES : & [u64 ] = & [0x0001 , 0x0003 + 1 ] ;',
  );
});

test('a type fragment keeps its angle brackets whole; the separator after it ends it', () => {
  const def = 'macro_rules! fields { ($($name:ident: $ty:ty),*) => { pub struct S { $($name: $ty),* } }; }';
  assert.equal(expand(def, 'map: HashMap<K, V>, count: u8'), 'pub struct S {map : HashMap < K , V > , count : u8 }');
});

test('a macro handed the name of another writes a call of it, expanded in turn by the caller', () => {
  const def = 'macro_rules! apply { ($m:ident) => { $m! { a(1) = 2, } }; }';
  assert.equal(expand(def, 'make_struct'), 'make_struct ! {a (1 ) = 2 , }');
});

test('nothing is written for what cannot be expanded: unbalanced input, unequal repetitions, no rule', () => {
  assert.equal(tokenize('struct S { a: u8 '), undefined);
  const zip = 'macro_rules! zip { ($($a:ident)* ; $($b:ident)*) => { $(struct $a($b);)* }; }';
  assert.equal(expand(zip, 'A B ; u8'), undefined, 'two variables repeating 2 and 1 times');
  assert.equal(expand(zip, 'A B ; u8 u16'), 'struct A (u8 ) ; struct B (u16 ) ;');
  const two = 'macro_rules! two { ($a:ident $b:ident) => { struct $a; }; }';
  assert.equal(expand(two, 'A'), undefined);
  // An expression fragment followed by another fragment has no end the rule can find.
  const loose = 'macro_rules! loose { ($e:expr $f:ident) => { struct $f; }; }';
  assert.equal(expand(loose, '1 + 2 X'), undefined);
});

test('joint punctuation stays joint, strings and lifetimes stay whole, comments are dropped', () => {
  const tokens = tokenize(`a::b -> c => 'x "s // not a comment" /* gone */ 'static`);
  assert.ok(tokens);
  assert.equal(tokensText(tokens), `a::b -> c => 'x' "s // not a comment" 'static`.replace(`'x'`, `'x`));
});

test("fn bodies are left out of an expansion, except async fns' (nothing of Send or Sync is in them)", () => {
  const def = `macro_rules! holder { ($name:ident) => {
    pub struct $name(u8);
    impl $name {
      fn get(&self) -> u8 { self.0 }
      async fn wait(&self) { pause().await }
    }
    fn free() -> u8 { let x = 1; x }
  }; }`;
  assert.equal(
    expand(def, 'Held'),
    'pub struct Held (u8 ) ; impl Held {fn get (& self ) -> u8 {} async fn wait (& self ) {pause () . await } } fn free () -> u8 {}',
  );
});

test('a type, path or expression ends at a comma outside its brackets, so the rule written for two matches two', () => {
  // glib's `wrapper!`: `Object<$ffi:ty>` must not take `Object<A, B>` whole.
  const def = `macro_rules! wrap {
    (struct $name:ident(Object<$ffi:ty>);) => { pub struct $name(*mut $ffi); };
    (struct $name:ident(Object<$ffi:ty, $class:ty>);) => { pub struct $name(*mut $ffi, *mut $class); };
  }`;
  assert.equal(expand(def, 'struct W(Object<ffi::A>);'), 'pub struct W (* mut ffi::A ) ;');
  assert.equal(expand(def, 'struct W(Object<ffi::A, ffi::B>);'), 'pub struct W (* mut ffi::A , * mut ffi::B ) ;');
  // An expression runs to the end only up to a comma (a closure's `|a, b|` is not one).
  const tail = `macro_rules! tail {
    (@type_ $e:expr) => { pub struct One; };
    (@type_ $e:expr, @extends [$($x:tt)*]) => { pub struct Two; };
  }`;
  assert.equal(expand(tail, '@type_ f(1, 2)'), 'pub struct One ;');
  assert.equal(expand(tail, '@type_ f(1, 2), @extends [A]'), 'pub struct Two ;');
  assert.equal(expand(tail, '@type_ |a, b| a + b'), 'pub struct One ;');
});

test("a repetition's last element ends at what follows the repetition; a path does not start with `@`", () => {
  const def = `macro_rules! obj {
    (struct $name:ident @extends $($e:path),+, @implements $($i:path),+;) => { pub struct $name; $(impl $i for $name {})* };
  }`;
  assert.equal(
    expand(def, 'struct B @extends Bin, Widget, @implements Buildable, Actionable;'),
    'pub struct B ; impl Buildable for B {} impl Actionable for B {}',
  );
});
