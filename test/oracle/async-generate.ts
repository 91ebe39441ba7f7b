// A seeded generator of random async Rust programs for the async differential test: each program
// is a std-only lib of async fns (and fns returning an async block or an async closure's future)
// whose bodies hold locals of Send and !Send types (lock guards, Rc, Cell borrows, RefCell borrows,
// raw pointers, Arc, user structs, boxed closures) that are held, dropped, moved, scoped, shadowed,
// bound to `_`, or used as match/if temporaries around `.await`s of other local futures; some fns
// are generic. Every future carries the calls that ask rustc about it, and what a naive reading of
// scopes predicts.
import { createRng } from './generate';

type Rng = ReturnType<typeof createRng>;

/** A kind of value a body can hold; `expr` may use the local `s` set up by `setup`. */
interface ValueKind {
  id: string;
  /** The type, as written in a `let` annotation or a parameter (undefined: cannot be a parameter). */
  ty: string;
  paramTy?: string;
  expr: string;
  /** An argument expression for a parameter of this kind (a temporary is fine). */
  arg?: string;
  setup?: string;
  send: boolean;
  /** Has drop glue: dropping it at the end of its scope is a use. */
  glue: boolean;
  /** Needs the annotation to compile (`Box<dyn Fn()>`). */
  annotate?: boolean;
  /** Holds a closure, whose type cannot be written: never annotated (`ty` only names it). */
  unnameable?: boolean;
  /** Has Copy fields `n: u8` and `label: &'static str`, for the field treatments. */
  fields?: boolean;
}

const KINDS: readonly ValueKind[] = [
  {
    id: 'MutexGuard',
    ty: "MutexGuard<'static, Vec<u8>>",
    expr: 'LOCK.lock().unwrap()',
    arg: 'LOCK.lock().unwrap()',
    send: false,
    glue: true,
  },
  {
    id: 'MutexGuard(local)',
    ty: "MutexGuard<'_, Vec<u8>>",
    setup: 'let s = Mutex::new(vec![1u8]);',
    expr: 's.lock().unwrap()',
    send: false,
    glue: true,
  },
  {
    id: 'RwLockReadGuard',
    ty: "RwLockReadGuard<'static, Vec<u8>>",
    expr: 'TABLE.read().unwrap()',
    arg: 'TABLE.read().unwrap()',
    send: false,
    glue: true,
  },
  { id: 'Rc', ty: 'Rc<u8>', expr: 'Rc::new(1u8)', arg: 'Rc::new(1u8)', send: false, glue: true },
  { id: 'Cell', ty: 'Cell<u8>', expr: 'Cell::new(1u8)', arg: 'Cell::new(1u8)', send: true, glue: false },
  {
    id: '&Cell',
    ty: '&Cell<u8>',
    setup: 'let s = Cell::new(1u8);',
    expr: '&s',
    arg: '&Cell::new(1u8)',
    send: false,
    glue: false,
  },
  {
    id: '&RefCell',
    ty: '&RefCell<Vec<u8>>',
    setup: 'let s = RefCell::new(vec![1u8]);',
    expr: '&s',
    arg: '&RefCell::new(vec![1u8])',
    send: false,
    glue: false,
  },
  {
    id: 'Ref',
    ty: "Ref<'_, Vec<u8>>",
    setup: 'let s = RefCell::new(vec![1u8]);',
    expr: 's.borrow()',
    send: false,
    glue: true,
  },
  {
    id: '*const',
    ty: '*const u8',
    expr: 'std::ptr::null::<u8>()',
    arg: 'std::ptr::null()',
    send: false,
    glue: false,
  },
  { id: '*mut', ty: '*mut u8', expr: 'std::ptr::null_mut::<u8>()', send: false, glue: false },
  { id: 'Arc', ty: 'Arc<u8>', expr: 'Arc::new(1u8)', arg: 'Arc::new(1u8)', send: true, glue: true },
  {
    id: 'Arc<Cell>',
    ty: 'Arc<Cell<u8>>',
    expr: 'Arc::new(Cell::new(1u8))',
    arg: 'Arc::new(Cell::new(1u8))',
    send: false,
    glue: true,
  },
  {
    id: 'Arc<Mutex>',
    ty: 'Arc<Mutex<u8>>',
    expr: 'Arc::new(Mutex::new(1u8))',
    arg: 'Arc::new(Mutex::new(1u8))',
    send: true,
    glue: true,
  },
  { id: 'u8', ty: 'u8', expr: '7u8', arg: '7u8', send: true, glue: false },
  { id: 'Plain', ty: 'Plain', expr: 'Plain { n: 1 }', arg: 'Plain { n: 1 }', send: true, glue: false },
  {
    id: 'Handle',
    ty: 'Handle',
    expr: 'Handle { p: std::ptr::null() }',
    arg: 'Handle { p: std::ptr::null() }',
    send: false,
    glue: false,
  },
  {
    id: 'Token',
    ty: 'Token',
    expr: 'Token { p: std::ptr::null() }',
    arg: 'Token { p: std::ptr::null() }',
    send: true,
    glue: false,
  },
  {
    id: 'Noisy',
    ty: 'Noisy',
    expr: 'Noisy { p: std::ptr::null() }',
    arg: 'Noisy { p: std::ptr::null() }',
    send: false,
    glue: true,
  },
  { id: 'Holder', ty: 'Holder', expr: 'Holder { rc: Rc::new(1) }', send: false, glue: true },
  {
    id: 'Tagged',
    ty: 'Tagged',
    expr: 'Tagged { p: std::ptr::null(), n: 1, label: "a" }',
    arg: 'Tagged { p: std::ptr::null(), n: 1, label: "a" }',
    send: false,
    glue: false,
    fields: true,
  },
  {
    id: 'NoisyTagged',
    ty: 'NoisyTagged',
    expr: 'NoisyTagged { p: std::ptr::null(), n: 1, label: "a" }',
    send: false,
    glue: true,
    fields: true,
  },
  { id: 'Wrap<u8>', ty: 'Wrap<u8>', expr: 'Wrap(1u8)', arg: 'Wrap(1u8)', send: true, glue: false },
  {
    id: 'Wrap<Rc>',
    ty: 'Wrap<Rc<u8>>',
    expr: 'Wrap(Rc::new(1u8))',
    arg: 'Wrap(Rc::new(1u8))',
    send: false,
    glue: true,
  },
  {
    id: 'Box<dyn Fn>',
    ty: 'Box<dyn Fn()>',
    expr: 'Box::new(|| {})',
    arg: 'Box::new(|| {})',
    send: false,
    glue: true,
    annotate: true,
  },
  {
    id: 'Box<dyn Fn + Send>',
    ty: 'Box<dyn Fn() + Send>',
    expr: 'Box::new(|| {})',
    arg: 'Box::new(|| {})',
    send: true,
    glue: true,
    annotate: true,
  },
  // Closures held in structs: `OnDrop` has a `Drop` impl, `Keep` none (held when its closure owns
  // what drops); the closure moves an `Rc` in, or borrows an atomic.
  {
    id: 'OnDrop(move Rc)',
    ty: 'OnDrop<{closure}>',
    setup: 'let s = Rc::new(1u8);',
    expr: 'OnDrop(move || { peek(&s); })',
    send: false,
    glue: true,
    unnameable: true,
  },
  {
    id: 'OnDrop(&atomic)',
    ty: 'OnDrop<{closure}>',
    setup: 'let s = AtomicUsize::new(0);',
    expr: 'OnDrop(|| { s.fetch_add(1, Ordering::Relaxed); })',
    send: true,
    glue: true,
    unnameable: true,
  },
  {
    id: 'Keep(move Rc)',
    ty: 'Keep<{closure}>',
    setup: 'let s = Rc::new(1u8);',
    expr: 'Keep(move || { peek(&s); })',
    send: false,
    glue: true,
    unnameable: true,
  },
  { id: 'Keep(nothing)', ty: 'Keep<{closure}>', expr: 'Keep(|| 1u8)', send: true, glue: false, unnameable: true },
  // A generic fn's result whose type parameter only a later call decides (`slot()`, then `put`).
  {
    id: 'Slot(Rc)',
    ty: 'Slot<Rc<u8>>',
    setup: 'let mut s = slot();',
    expr: '{ s.put(Rc::new(1u8)); s }',
    send: false,
    glue: true,
  },
  // A guard of the file's own: its fields are read through `Deref` (a borrow of the guard).
  {
    id: 'Guard<Tagged>',
    ty: "Guard<'static, Tagged>",
    expr: 'Guard(leak(Tagged { p: std::ptr::null(), n: 1, label: "a" }))',
    send: false,
    glue: false,
    fields: true,
  },
  {
    id: 'Guard<Labels>',
    ty: "Guard<'static, Labels>",
    expr: 'Guard(leak(Labels { n: 1, label: "a" }))',
    send: true,
    glue: false,
    fields: true,
  },
  // std collections made empty, their element types given by a later insert.
  {
    id: 'HashMap(Rc)',
    ty: 'HashMap<u8, Rc<u8>>',
    setup: 'let mut s = HashMap::new();',
    expr: '{ s.insert(1u8, Rc::new(1u8)); s }',
    send: false,
    glue: true,
  },
  {
    id: 'VecDeque(u8)',
    ty: 'VecDeque<u8>',
    setup: 'let mut s = VecDeque::new();',
    expr: '{ s.push_back(1u8); s }',
    send: true,
    glue: true,
  },
  { id: 'Slot(u8)', ty: 'Slot<u8>', setup: 'let mut s = slot();', expr: '{ s.put(1u8); s }', send: true, glue: false },
];

/**
 * What happens to a value around an await:
 * - held: used after the await; held-unused: still in scope at the await, never used again;
 * - drop / moved: `drop(x)` / `consume(x)` before the await; borrow-drop: `peek(&x)` first;
 * - block: bound and used in its own `{ }` before the await; shadowed: `let x = 0u8` over it;
 * - let-underscore: `let _ = E;` (dropped at once); let-underscore-named: `let _x = E;`;
 * - match: a temporary of the scrutinee of a `match` whose arm awaits; if: of an `if` condition;
 * - temp-stmt: a temporary of an earlier `let n = peek(&E);`; after: bound after the await;
 * - for kinds with fields: field-read `let n = x.n + 1;`, field-compare `x.n == 1` (primitive,
 *   no borrow), field-str-compare `x.label == "b"` (a borrow), field-borrow `peek(&x.n)`, all before
 *   the await; field-after: `let n = x.n;` after it.
 */
const TREATMENTS = [
  'held',
  'held-unused',
  'drop',
  'moved',
  'borrow-drop',
  'block',
  'shadowed',
  'let-underscore',
  'let-underscore-named',
  'match',
  'if',
  'temp-stmt',
  'after',
  'field-read',
  'field-compare',
  'field-str-compare',
  'field-borrow',
  'field-after',
] as const;
type Treatment = (typeof TREATMENTS)[number];

/** The value is still in its scope, not moved out, at a later await (scope reading). */
const SCOPE_LIVE: Record<Treatment, boolean> = {
  held: true,
  'held-unused': true,
  drop: false,
  moved: false,
  'borrow-drop': false,
  block: false,
  shadowed: true,
  'let-underscore': false,
  'let-underscore-named': true,
  match: true,
  if: false,
  'temp-stmt': false,
  after: false, // live only across the awaits of later steps, handled apart
  'field-read': true,
  'field-compare': true,
  'field-str-compare': true,
  'field-borrow': true,
  'field-after': true,
};

/** A type argument of a generic future: what rustc is asked with. */
export interface Probe {
  label: string;
  send: boolean;
  sync: boolean;
  /** The argument expression, by value. */
  value: string;
}

export const ASYNC_PROBES: readonly Probe[] = [
  { label: 'u8', send: true, sync: true, value: '0u8' },
  { label: 'Cell<u8>', send: true, sync: false, value: 'Cell::new(0u8)' },
  { label: '__SyncOnly', send: false, sync: true, value: '__SyncOnly::default()' },
  { label: 'Rc<u8>', send: false, sync: false, value: 'Rc::new(0u8)' },
];

/** One question: `__require_send(<call>)`; `probe` is the type argument, for generic futures. */
export interface FutureQuestion {
  call: string;
  probe?: Probe;
}

export interface GeneratedFuture {
  /** The fn's name (for an async block or closure: the fn that returns its future). */
  name: string;
  kind: 'async-fn' | 'async-block' | 'async-closure';
  /** 1-based, of the fn name or of the `async` keyword. */
  line: number;
  column: number;
  /** The generic parameter, when the future is generic (`T`). */
  typeParam?: string;
  questions: FutureQuestion[];
  /** What scopes alone suggest of the body, per question: no value of a !Send type in scope at an
   * await, no !Send parameter. rustc is the judge; this only names its surprises. */
  scopeSend: boolean[];
  /** The futures it awaits (index into `futures`, and question), Send or not as rustc says. */
  awaits: { future: number; question: number }[];
  /** Steps that hold a !Send value where scopes say it is gone, e.g. `borrow-drop MutexGuard`. */
  suspects: string[];
  /** Steps that hold a !Send value in scope at an await, e.g. `held-unused *const`. */
  holders: string[];
}

export interface GeneratedAsyncProgram {
  seed: number;
  source: string;
  futures: GeneratedFuture[];
}

const HEADER = `// Generated by test/oracle/async-generate.ts: async fns around awaits, for rustc to judge.
// \`let _ = LOCK.lock().unwrap();\` is one of the shapes judged (it drops the guard at once).
#![allow(let_underscore_lock)]
use std::cell::{Cell, Ref, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};

pub static LOCK: Mutex<Vec<u8>> = Mutex::new(Vec::new());
pub static TABLE: RwLock<Vec<u8>> = RwLock::new(Vec::new());

pub struct Plain {
    pub n: u32,
}
pub struct Handle {
    pub p: *const u8,
}
pub struct Token {
    pub p: *const u8,
}
// SAFETY: the pointer is never dereferenced.
unsafe impl Send for Token {}
pub struct Noisy {
    pub p: *const u8,
}
impl Drop for Noisy {
    fn drop(&mut self) {}
}
pub struct Holder {
    pub rc: Rc<u8>,
}
pub struct Wrap<T>(pub T);
pub struct Tagged {
    pub p: *const u8,
    pub n: u8,
    pub label: &'static str,
}
pub struct NoisyTagged {
    pub p: *const u8,
    pub n: u8,
    pub label: &'static str,
}
impl Drop for NoisyTagged {
    fn drop(&mut self) {}
}

pub struct OnDrop<F: Fn()>(pub F);
impl<F: Fn()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}
pub struct Keep<F>(pub F);
pub struct Guard<'a, T>(pub &'a T);
impl<T> std::ops::Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
    }
}
pub struct Labels {
    pub n: u8,
    pub label: &'static str,
}
pub fn leak<T>(t: T) -> &'static T {
    Box::leak(Box::new(t))
}
pub struct Slot<T> {
    pub v: Option<T>,
}
pub fn slot<T>() -> Slot<T> {
    Slot { v: None }
}
impl<T> Slot<T> {
    pub fn put(&mut self, v: T) {
        self.v = Some(v);
    }
}

pub fn peek<T: ?Sized>(_: &T) -> u8 {
    0
}
pub fn consume<T>(_: T) {}
pub async fn yield_now() {}

// Stands in for the futures crate (std-only here): its \`join!\` awaits both futures.
mod futures {
    macro_rules! join {
        ($a:expr, $b:expr) => {
            async { ($a.await, $b.await) }.await
        };
    }
    pub(crate) use join;
}
`;

/** A generic fn's parameter shape, and what its future needs of `T` (besides the body). */
const GENERIC_SHAPES = [
  { param: (t: string) => t, bounds: '', arg: (v: string) => v, needs: { send: true, sync: false } },
  { param: (t: string) => t, bounds: ': Clone', arg: (v: string) => v, needs: { send: true, sync: false } },
  { param: (t: string) => `&${t}`, bounds: '', arg: (v: string) => `&${v}`, needs: { send: false, sync: true } },
  { param: (t: string) => `&${t}`, bounds: ': Sync', arg: (v: string) => `&${v}`, needs: { send: false, sync: true } },
  { param: (t: string) => t, bounds: ': Send', arg: (v: string) => v, needs: { send: true, sync: false } },
  {
    param: (t: string) => `Arc<${t}>`,
    bounds: '',
    arg: (v: string) => `Arc::new(${v})`,
    needs: { send: true, sync: true },
  },
  {
    param: (t: string) => `Wrap<${t}>`,
    bounds: '',
    arg: (v: string) => `Wrap(${v})`,
    needs: { send: true, sync: false },
  },
] as const;

/** A future already generated, that later bodies may await: how to call it, and whether that call is Send by scopes. */
interface Callee {
  /** Non-generic fns have one call; generic ones one per probe they may be awaited with. */
  calls: { expr: string; future: number; question: number }[];
}

interface Body {
  lines: string[];
  /** Scopes say some step holds a !Send value across an await. */
  scopeNotSend: boolean;
  awaits: { future: number; question: number }[];
  suspects: string[];
  holders: string[];
}

function genBody(rng: Rng, callees: readonly Callee[], indent: string, vars: { n: number }): Body {
  const lines: string[] = [];
  let scopeNotSend = false;
  const suspects: string[] = [];
  const holders: string[] = [];
  const awaits: Body['awaits'] = [];
  const steps = rng.int(1, 4);
  for (let step = 0; step < steps; step++) {
    const kind = rng.pick(KINDS);
    let treatment = rng.pick(TREATMENTS);
    if (treatment.startsWith('field-') && !kind.fields) treatment = 'held-unused';
    const v = `v${vars.n++}`;
    const call = rng.chance(0.35) ? rng.pick(rng.pick(callees).calls) : callees[0].calls[0];
    awaits.push({ future: call.future, question: call.question });
    // Now and then through a `join!` (which awaits without `.await` written), beside `yield_now()`.
    const awaitLine = rng.chance(0.15) ? `futures::join!(${call.expr}, yield_now());` : `${call.expr}.await;`;
    const annot = (kind.annotate || rng.chance(0.3)) && !kind.unnameable ? `: ${kind.ty}` : '';
    const out: string[] = [];
    if (kind.setup) out.push(kind.setup.replace(/\bs\b/g, `s${v}`));
    const e = kind.expr.replace(/\bs\b/g, `s${v}`);
    const temp = kind.annotate ? `{ let t: ${kind.ty} = ${e}; t }` : e;
    switch (treatment) {
      case 'held':
        out.push(`let ${v}${annot} = ${e};`, awaitLine, `peek(&${v});`);
        break;
      case 'held-unused':
        out.push(`let ${v}${annot} = ${e};`, awaitLine);
        break;
      case 'drop':
        out.push(`let ${v}${annot} = ${e};`, `drop(${v});`, awaitLine);
        break;
      case 'moved':
        out.push(`let ${v}${annot} = ${e};`, `consume(${v});`, awaitLine);
        break;
      case 'borrow-drop':
        out.push(`let ${v}${annot} = ${e};`, `peek(&${v});`, `drop(${v});`, awaitLine);
        break;
      case 'block':
        out.push('{', `    let ${v}${annot} = ${e};`, `    peek(&${v});`, '}', awaitLine);
        break;
      case 'shadowed':
        out.push(`let ${v}${annot} = ${e};`, `let ${v} = 0u8;`, awaitLine, `peek(&${v});`);
        break;
      case 'let-underscore':
        out.push(`let _${annot} = ${e};`, awaitLine);
        break;
      case 'let-underscore-named':
        out.push(`let _${v}${annot} = ${e};`, awaitLine);
        break;
      case 'match':
        // `};`: as a body's tail expression, its temporaries would outlive the body's locals.
        out.push(`match peek(&${temp}) {`, '    0 => {', `        ${awaitLine}`, '    }', '    _ => {}', '};');
        break;
      case 'if':
        out.push(`if peek(&${temp}) == 0 {`, `    ${awaitLine}`, '}');
        break;
      case 'temp-stmt':
        out.push(`let ${v} = peek(&${temp});`, awaitLine, `peek(&${v});`);
        break;
      case 'after':
        out.push(awaitLine, `let ${v}${annot} = ${e};`, `peek(&${v});`);
        break;
      case 'field-read':
        out.push(`let ${v}${annot} = ${e};`, `let _${v}n = ${v}.n + 1;`, awaitLine);
        break;
      case 'field-compare':
        out.push(`let ${v}${annot} = ${e};`, `let _${v}b = ${v}.n == 1;`, awaitLine);
        break;
      case 'field-str-compare':
        out.push(`let ${v}${annot} = ${e};`, `let _${v}b = ${v}.label == "b";`, awaitLine);
        break;
      case 'field-borrow':
        out.push(`let ${v}${annot} = ${e};`, `peek(&${v}.n);`, awaitLine);
        break;
      case 'field-after':
        out.push(`let ${v}${annot} = ${e};`, awaitLine, `let _${v}n = ${v}.n;`);
        break;
    }
    lines.push(...out.map((l) => indent + l));
    const liveAcrossLater = treatment === 'after' ? step < steps - 1 : SCOPE_LIVE[treatment];
    if (!kind.send) {
      if (liveAcrossLater) scopeNotSend = true;
      (liveAcrossLater ? holders : suspects).push(`${treatment} ${kind.id}`);
    }
  }
  return { lines, scopeNotSend, awaits, suspects, holders };
}

/** Generates one program from `seed`: the same seed gives the same program on every machine. */
export function generateAsyncProgram(seed: number): GeneratedAsyncProgram {
  const rng = createRng(seed);
  const lines = HEADER.split('\n');
  lines.pop();
  const futures: GeneratedFuture[] = [];
  const callees: Callee[] = [{ calls: [{ expr: 'yield_now()', future: 0, question: 0 }] }];
  futures.push({
    name: 'yield_now',
    kind: 'async-fn',
    line: lines.findIndex((l) => l.startsWith('pub async fn yield_now')) + 1,
    column: 'pub async fn '.length + 1,
    questions: [{ call: 'yield_now()' }],
    scopeSend: [true],
    awaits: [],
    suspects: [],
    holders: [],
  });
  const vars = { n: 0 };
  const count = rng.int(3, 7);
  for (let i = 0; i < count; i++) {
    const shape = rng.next();
    lines.push('');
    if (shape < 0.25) {
      // Generic: `async fn gN<T: B>(x: P<T>)`, its body as any other, the parameter held or dropped.
      const name = `g${i}`;
      const g = rng.pick(GENERIC_SHAPES);
      const paramDropped = rng.chance(0.3);
      const header = `pub async fn ${name}<T${g.bounds}>(x: ${g.param('T')}) {`;
      const line = lines.length + 1;
      lines.push(header);
      const body = genBody(rng, callees, '    ', vars);
      if (paramDropped) lines.push('    drop(x);');
      lines.push(...body.lines);
      if (!paramDropped) lines.push('    peek(&x);');
      lines.push('}');
      const probes = ASYNC_PROBES.filter((p) => g.bounds !== ': Sync' || p.sync).filter(
        (p) => g.bounds !== ': Send' || p.send,
      );
      const scopeFor = (p: Probe) => !body.scopeNotSend && (!g.needs.send || p.send) && (!g.needs.sync || p.sync);
      futures.push({
        name,
        kind: 'async-fn',
        line,
        column: header.indexOf(name) + 1,
        typeParam: 'T',
        questions: probes.map((p) => ({ call: `${name}(${g.arg(p.value)})`, probe: p })),
        scopeSend: probes.map(scopeFor),
        awaits: body.awaits,
        suspects: paramDropped ? [...body.suspects, 'drop generic parameter'] : body.suspects,
        holders: body.holders,
      });
      // Later bodies await it with a Send or a !Send argument (`u8`, `Rc<u8>`).
      const future = futures.length - 1;
      callees.push({
        calls: probes
          .map((p, question) => ({ expr: `${name}(${g.arg(p.value)})`, future, question, label: p.label }))
          .filter((c) => c.label === 'u8' || c.label === 'Rc<u8>')
          .map(({ expr, question }) => ({ expr, future, question })),
      });
    } else if (shape < 0.4) {
      // A fn returning an async block, or the future of an async closure it calls.
      const closure = rng.chance(0.4);
      const name = closure ? `closure${i}` : `block${i}`;
      const move = rng.chance(0.5) ? 'async move' : 'async';
      lines.push(`pub fn ${name}() -> impl std::future::Future<Output = ()> {`);
      const line = lines.length + 1;
      const opening = closure ? `    let c = ${move} || {` : `    ${move} {`;
      lines.push(opening);
      const body = genBody(rng, callees, '        ', vars);
      lines.push(...body.lines, closure ? '    };' : '    }');
      if (closure) lines.push('    c()');
      lines.push('}');
      futures.push({
        name,
        kind: closure ? 'async-closure' : 'async-block',
        line,
        column: opening.indexOf('async') + 1,
        questions: [{ call: `${name}()` }],
        scopeSend: [!body.scopeNotSend],
        awaits: body.awaits,
        suspects: body.suspects,
        holders: body.holders,
      });
      callees.push({ calls: [{ expr: `${name}()`, future: futures.length - 1, question: 0 }] });
    } else {
      // A plain async fn, maybe with parameters (captured by the future, whatever the body does).
      const name = `f${i}`;
      const params = Array.from({ length: rng.chance(0.4) ? rng.int(1, 2) : 0 }, () =>
        rng.pick(KINDS.filter((k) => k.arg)),
      );
      const header = `pub async fn ${name}(${params.map((k, j) => `p${j}: ${k.ty}`).join(', ')}) {`;
      const line = lines.length + 1;
      lines.push(header);
      const dropped = params.map(() => rng.chance(0.4));
      params.forEach((_, j) => {
        if (dropped[j]) lines.push(`    drop(p${j});`);
      });
      const body = genBody(rng, callees, '    ', vars);
      lines.push(...body.lines);
      params.forEach((_, j) => {
        if (!dropped[j]) lines.push(`    peek(&p${j});`);
      });
      lines.push('}');
      const scopeSend = !body.scopeNotSend && params.every((k, j) => k.send || dropped[j]);
      const notSendParams = params.map((k, j) => ({ k, dropped: dropped[j] })).filter((p) => !p.k.send);
      const suspects = [
        ...body.suspects,
        ...notSendParams.filter((p) => p.dropped).map((p) => `drop parameter ${p.k.id}`),
      ];
      const holders = [...body.holders, ...notSendParams.filter((p) => !p.dropped).map((p) => `parameter ${p.k.id}`)];
      const call = `${name}(${params.map((k) => k.arg!).join(', ')})`;
      futures.push({
        name,
        kind: 'async-fn',
        line,
        column: header.indexOf(name) + 1,
        questions: [{ call }],
        scopeSend: [scopeSend],
        awaits: body.awaits,
        suspects,
        holders,
      });
      callees.push({ calls: [{ expr: call, future: futures.length - 1, question: 0 }] });
    }
  }
  return { seed, source: `${lines.join('\n')}\n`, futures };
}

/** The checker appended to a program: one fn per question, each on its own line. */
export function checkerFor(program: GeneratedAsyncProgram, questions: readonly { call: string }[]): string {
  const lines = [
    '',
    '#[allow(dead_code)]',
    '#[derive(Clone, Debug, Default)]',
    'struct __SyncOnly(std::marker::PhantomData<*const u8>);',
    '// SAFETY: a probe type; it holds nothing.',
    'unsafe impl Sync for __SyncOnly {}',
    '#[allow(dead_code)]',
    'fn __require_send<T: Send>(_: T) {}',
    ...questions.map((q, i) => `#[allow(dead_code)] fn __q${i}() { __require_send(${q.call}); } /*__async_q${i}*/`),
  ];
  return `${program.source}${lines.join('\n')}\n`;
}
