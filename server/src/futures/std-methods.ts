// The std methods and constructors that type the locals of an async body, as data beside the std
// table: what `m.lock()`, `.unwrap()`, `RefCell::borrow` or `Arc::new` return, and whether the
// method takes its receiver by value (a move: the receiver's value is gone) or by reference (a
// borrow: a temporary receiver lives to the end of its statement). Return types are written as
// type text over the receiver's parameters (`T`) and read once into types here.
import { lookupKnownType } from '../model/known-types';
import type { Ty } from '../model/resolve';
import stdSignatures from './std-signatures.json';

/** How a method takes its receiver. */
export type ReceiverMode = 'value' | 'ref';

interface MethodRow {
  /** The receiver's std path (after auto-deref), or `*` for any receiver. */
  on: string;
  method: string;
  receiver: ReceiverMode;
  /** The return type over the receiver's parameters; `Self` is the receiver type itself. */
  returns: string;
}

/** std's atomic integers and `AtomicBool` (`Atomic` + this), with the value each holds. */
const ATOMICS: readonly [string, string][] = [
  ['Bool', 'bool'],
  ['Usize', 'usize'],
  ['Isize', 'isize'],
  ['U8', 'u8'],
  ['U16', 'u16'],
  ['U32', 'u32'],
  ['U64', 'u64'],
  ['I8', 'i8'],
  ['I16', 'i16'],
  ['I32', 'i32'],
  ['I64', 'i64'],
];

const LOCK = (guard: string) => `std::result::Result<${guard}, std::sync::PoisonError<${guard}>>`;

/**
 * What std's generated signatures (std-signatures.json, read by `generated`) do not say: results
 * written through an alias the table does not know (`LockResult`), trait methods (`clone`,
 * `Iterator::next`, `IntoIterator::into_iter`: the docs' inherent impls only), and `Vec`'s slice
 * methods, which it has through `Deref`. The rest of std's methods are the generated table's.
 */
const METHODS: readonly MethodRow[] = [
  { on: 'std::sync::Mutex', method: 'lock', receiver: 'ref', returns: LOCK('std::sync::MutexGuard<T>') },
  { on: 'std::sync::Mutex', method: 'try_lock', receiver: 'ref', returns: 'unknown' },
  { on: 'std::sync::RwLock', method: 'read', receiver: 'ref', returns: LOCK('std::sync::RwLockReadGuard<T>') },
  { on: 'std::sync::RwLock', method: 'write', receiver: 'ref', returns: LOCK('std::sync::RwLockWriteGuard<T>') },
  { on: 'std::rc::Rc', method: 'clone', receiver: 'ref', returns: 'Self' },
  { on: 'std::sync::Arc', method: 'clone', receiver: 'ref', returns: 'Self' },
  { on: 'std::string::String', method: 'clone', receiver: 'ref', returns: 'Self' },
  { on: 'std::vec::Vec', method: 'clone', receiver: 'ref', returns: 'Self' },
  // `std::env::args().nth(1)`: the program's arguments, as `String`s.
  { on: 'std::env::Args', method: 'nth', receiver: 'ref', returns: 'std::option::Option<std::string::String>' },
  { on: 'std::env::Args', method: 'next', receiver: 'ref', returns: 'std::option::Option<std::string::String>' },
  ...['iter', 'get', 'first', 'last', 'contains'].map((method): MethodRow => ({
    on: 'std::vec::Vec',
    method,
    receiver: 'ref',
    returns: method === 'iter' ? 'std::slice::Iter<T>' : method === 'contains' ? 'bool' : 'std::option::Option<&T>',
  })),
  { on: 'std::vec::Vec', method: 'iter_mut', receiver: 'ref', returns: 'std::slice::IterMut<T>' },
  // Iterators a `for` walks (analyze.ts forItem gives their items), by value. `(&v).into_iter()`
  // is `v.iter()`: the caller reads it so.
  ...(
    [
      ['std::vec::Vec', 'std::vec::IntoIter<T>'],
      ['std::collections::VecDeque', 'std::collections::vec_deque::IntoIter<T>'],
      ['std::collections::HashMap', 'std::collections::hash_map::IntoIter<K, V>'],
      ['std::collections::BTreeMap', 'std::collections::btree_map::IntoIter<K, V>'],
      ['std::collections::HashSet', 'std::collections::hash_set::IntoIter<T>'],
      ['std::collections::BTreeSet', 'std::collections::btree_set::IntoIter<T>'],
    ] as const
  ).map(([on, returns]): MethodRow => ({ on, method: 'into_iter', receiver: 'value', returns })),
];

/**
 * `Type::f(args)` paths whose value is known from the arguments: `Rc::new(x)` is `Rc<type of x>`
 * (`arg`), `Vec::new()` a `Vec` of a type not written (`empty`), `Instant::now()` an `Instant`
 * (`self`: the type itself, which has no parameters).
 */
const CONSTRUCTORS: ReadonlyMap<string, 'arg' | 'empty' | 'self'> = new Map<string, 'arg' | 'empty' | 'self'>([
  ['std::rc::Rc::new', 'arg'],
  ['std::sync::Arc::new', 'arg'],
  ['std::cell::Cell::new', 'arg'],
  ['std::cell::RefCell::new', 'arg'],
  ['std::sync::Mutex::new', 'arg'],
  ['std::sync::RwLock::new', 'arg'],
  ['std::boxed::Box::new', 'arg'],
  ['std::pin::Pin::new', 'arg'],
  ['std::cell::UnsafeCell::new', 'arg'],
  ['std::io::Cursor::new', 'arg'],
  ['std::io::BufReader::new', 'arg'],
  ['std::vec::Vec::new', 'empty'],
  ['std::string::String::new', 'empty'],
  ['std::vec::Vec::with_capacity', 'empty'],
  ['std::collections::VecDeque::new', 'empty'],
  ['std::collections::VecDeque::with_capacity', 'empty'],
  ['std::collections::HashMap::new', 'empty'],
  ['std::collections::HashMap::with_capacity', 'empty'],
  ['std::collections::BTreeMap::new', 'empty'],
  ['std::collections::HashSet::new', 'empty'],
  ['std::collections::HashSet::with_capacity', 'empty'],
  ['std::collections::BTreeSet::new', 'empty'],
  ['std::string::String::with_capacity', 'empty'],
  ['std::time::Instant::now', 'self'],
  ['std::time::SystemTime::now', 'self'],
  ...['new', 'from_secs', 'from_millis', 'from_micros', 'from_nanos', 'from_secs_f32', 'from_secs_f64'].map(
    (f): [string, 'self'] => [`std::time::Duration::${f}`, 'self'],
  ),
  ['std::sync::Barrier::new', 'self'],
  ['std::io::IoSlice::new', 'self'],
  ['std::io::IoSliceMut::new', 'self'],
  ['std::sync::Condvar::new', 'self'],
  ...ATOMICS.map(([a]): [string, 'self'] => [`std::sync::atomic::Atomic${a}::new`, 'self']),
]);

/** `Arc::clone(&x)`, `Rc::clone(&x)`: the pointer type of the argument. */
export const CLONE_PATHS = new Set(['std::rc::Rc::clone', 'std::sync::Arc::clone']);

/** Reads `std::sync::MutexGuard<T>` into a type, with `T` and `Self` bound. */
function readType(text: string, params: Map<string, Ty>, self: Ty): Ty | undefined {
  let i = 0;
  const parse = (): Ty | undefined => {
    if (text[i] === '&') {
      i++;
      const mut = text.startsWith('mut ', i);
      if (mut) i += 4;
      const inner = parse();
      return inner && { k: 'ref', mut, inner, text: `&${mut ? 'mut ' : ''}${inner.text}` };
    }
    if (text[i] === '[') {
      i++;
      const inner = parse();
      // An array of a literal length (`[u8; 4]`), or a slice.
      const length = /^;\s*(\d+)/.exec(text.slice(i));
      if (length) i += length[0].length;
      if (!inner || text[i] !== ']') return undefined;
      i++;
      return { k: 'seq', inner, text: length ? `[${inner.text}; ${length[1]}]` : `[${inner.text}]` };
    }
    const m = /^[\w:()]+/.exec(text.slice(i));
    if (!m) return undefined;
    const name = m[0];
    i += name.length;
    const args: Ty[] = [];
    if (text[i] === '<') {
      i++;
      for (;;) {
        const arg = parse();
        if (!arg) return undefined;
        args.push(arg);
        while (text[i] === ' ') i++;
        if (text[i] === ',') {
          i++;
          while (text[i] === ' ') i++;
          continue;
        }
        if (text[i] === '>') {
          i++;
          break;
        }
        return undefined;
      }
    }
    if (name === 'Self') return self;
    const param = params.get(name);
    if (param) return param;
    if (/^(\(\)|bool|char|str|[iu](8|16|32|64|128|size)|f32|f64)$/.test(name)) return { k: 'plain', text: name };
    const known = lookupKnownType(name);
    if (!known) return undefined;
    return knownTy(name, args);
  };
  return parse();
}

/** A std type with its arguments, its text written the short way (`MutexGuard<u32>`). */
export function knownTy(path: string, args: Ty[]): Ty | undefined {
  const known = lookupKnownType(path);
  if (!known) return undefined;
  const short = path.split('::').pop()!;
  const text = args.length ? `${short}<${args.map((a) => a.text).join(', ')}>` : short;
  return { k: 'known', known, args: args.slice(0, known.params.length), extra: [], text };
}

const IO = (t: string) => `std::result::Result<${t}, std::io::Error>`;

/** std's free fns whose result types a local or a closure's body, by the fn's full path. */
const FNS: ReadonlyMap<string, string> = new Map([
  ['std::fs::read', IO('std::vec::Vec<u8>')],
  ['std::fs::read_to_string', IO('std::string::String')],
  ['std::fs::read_link', IO('std::path::PathBuf')],
  ['std::fs::canonicalize', IO('std::path::PathBuf')],
  ['std::fs::metadata', IO('std::fs::Metadata')],
  ['std::fs::symlink_metadata', IO('std::fs::Metadata')],
  ['std::fs::read_dir', IO('std::fs::ReadDir')],
  ['std::fs::copy', IO('u64')],
  ...[
    'write',
    'create_dir',
    'create_dir_all',
    'remove_dir',
    'remove_dir_all',
    'remove_file',
    'rename',
    'hard_link',
    'set_permissions',
  ].map((f): [string, string] => [`std::fs::${f}`, IO('()')]),
  ['std::env::var', 'std::result::Result<std::string::String, std::env::VarError>'],
  ['std::env::args', 'std::env::Args'],
  ['std::thread::sleep', '()'],
  ['std::io::stdin', 'std::io::Stdin'],
  ['std::io::stdout', 'std::io::Stdout'],
  ['std::io::stderr', 'std::io::Stderr'],
]);

/** What a call of the std fn `path` gives (`std::fs::read`: an `io::Result<Vec<u8>>`). */
export function stdFnResult(path: string): Ty | undefined {
  const text = FNS.get(path);
  return text === undefined ? undefined : readType(text, new Map(), { k: 'plain', text: '()' });
}

/** The std method `method` on a receiver of type `recv` (already auto-derefed to a std type). */
/** `io::Result<T>` as the `Result<T, io::Error>` it names, so that either spelling unifies with the other. */
export function ioResultSpelledOut(ty: Ty): Ty {
  if (ty.k !== 'known' || ty.known.path !== 'std::io::Result' || !ty.args[0]) return ty;
  const error = knownTy('std::io::Error', []);
  return (error && knownTy('std::result::Result', [ty.args[0], error])) ?? ty;
}

/**
 * The generated table (`npm run gen:std-signatures`): for each std type, the fns of its own
 * inherent impls by name, each with how it takes its receiver (`none`: an associated fn) and its
 * result type as text over full std paths, `Self` and the type's parameters.
 */
export interface StdSignatureTable {
  toolchain: string;
  types: Record<string, Record<string, string[]>>;
  /** The primitives' own methods the same way, by the primitive (`str`, `u32`, `[T]` for slices). */
  primitives: Record<string, Record<string, string[]>>;
}

const SIGNATURES = (stdSignatures as StdSignatureTable).types;
const PRIMITIVES = (stdSignatures as StdSignatureTable).primitives;

/**
 * A generated row of a std type, read with `Self` that type and its parameters the receiver's
 * arguments (`Receiver<T>::recv -> Result<T, RecvError>`). An allocator or hasher the receiver
 * leaves to its default (`Vec<u8>`'s) is left out of the result where it is a last argument
 * (`Vec<T, A>` is `Vec<T>`); any other parameter not given leaves the result not read.
 */
function generated(
  recv: Ty & { k: 'known' },
  fn: string,
  wanted: 'method' | 'fn',
): { receiver: ReceiverMode; returns: Ty } | undefined {
  if (!Object.hasOwn(SIGNATURES, recv.known.path)) return undefined;
  const fns = SIGNATURES[recv.known.path];
  const row = Object.hasOwn(fns, fn) ? fns[fn] : undefined;
  if (!row || (row[0] === 'none') !== (wanted === 'fn')) return undefined;
  const params = new Map<string, Ty>();
  let text = row[1];
  recv.known.params.forEach((p, i) => {
    const arg = recv.args[i];
    if (arg) params.set(p, arg);
  });
  // An allocator or hasher parameter not given (or not in the table's row, as `Vec<T>`'s) is its
  // default: left out where it is a last argument, from the last (`HashMap<K, V, S, A>` loses `A`,
  // then `S`).
  for (let again = true; again;) {
    again = false;
    text = text.replace(/,\s*([AS])(?=>)/g, (whole, name: string) => {
      if (params.has(name)) return whole;
      again = true;
      return '';
    });
  }
  const returns = readType(text, params, recv);
  return returns && { receiver: row[0] === 'value' ? 'value' : 'ref', returns };
}

/** What `Type::f(..)` of a std type gives, from the generated table (`TcpListener::bind`). */
export function stdAssociatedFn(owner: Ty, fn: string): Ty | undefined {
  return owner.k === 'known' ? generated(owner, fn, 'fn')?.returns : undefined;
}

export function stdMethod(given: Ty, method: string): { receiver: ReceiverMode; returns?: Ty } | undefined {
  const recv = ioResultSpelledOut(given); // `io::Result`'s methods are `Result`'s
  if (recv.k !== 'known') return primitiveMethod(recv, method);
  const row = METHODS.find((r) => r.on === recv.known.path && r.method === method);
  if (!row) return generated(recv, method, 'method');
  if (row.returns === 'unknown') return { receiver: row.receiver };
  const params = new Map(recv.known.params.map((p, i): [string, Ty] => [p, recv.args[i] ?? unknownTy(p)]));
  return { receiver: row.receiver, returns: readType(row.returns, params, recv) };
}

/** The primitive a receiver is, as the generated table names it: `str` (a string literal's `&str` too), `u32`, `[T]`. */
const PRIMITIVE_RECEIVER = /^(&?str|bool|char|[iu](8|16|32|64|128|size)|f32|f64)$/;

/**
 * A method of a primitive's own, from the generated table: `s.len()` of a `str`, `n.to_le_bytes()`
 * of a `u32`, `codes.iter()` of a slice or an array (which has a slice's methods). Inherent
 * methods come before any trait's of the same name, so the table's row is the one rustc takes.
 */
function primitiveMethod(recv: Ty, method: string): { receiver: ReceiverMode; returns: Ty } | undefined {
  const slice = recv.k === 'seq';
  const key = slice
    ? '[T]'
    : recv.k === 'plain' && PRIMITIVE_RECEIVER.test(recv.text)
      ? recv.text.replace('&', '')
      : '';
  const fns = Object.hasOwn(PRIMITIVES, key) ? PRIMITIVES[key] : undefined;
  const row = fns && Object.hasOwn(fns, method) ? fns[method] : undefined;
  if (!row || row[0] === 'none') return undefined;
  const returns = readType(row[1], new Map(slice ? [['T', recv.inner]] : []), recv);
  return returns && { receiver: row[0] === 'value' ? 'value' : 'ref', returns };
}

/**
 * What `Option`'s and `Result`'s combinators hand their closure (`opt.map(|v| ..)`: the `T` of
 * `Option<T>`; `res.map_err(|e| ..)`: the `E` of `Result<T, E>`; `filter` and `inspect` a `&T`),
 * by the one parameter of the closure each takes as its argument. Undefined for other methods.
 */
const CLOSURE_ARGUMENTS: Record<'option' | 'result', Record<string, 'value' | '&value' | 'error' | '&error'>> = {
  option: { map: 'value', and_then: 'value', is_some_and: 'value', filter: '&value', inspect: '&value' },
  result: {
    map: 'value',
    and_then: 'value',
    is_ok_and: 'value',
    inspect: '&value',
    map_err: 'error',
    or_else: 'error',
    unwrap_or_else: 'error',
    is_err_and: 'error',
    inspect_err: '&error',
  },
};

export function combinatorClosureParam(recv: Ty, method: string): Ty | undefined {
  const t = ioResultSpelledOut(recv);
  if (t.k !== 'known') return undefined;
  const kind =
    t.known.path === 'std::option::Option' ? 'option' : t.known.path === 'std::result::Result' ? 'result' : undefined;
  const given = kind && Object.hasOwn(CLOSURE_ARGUMENTS[kind], method) ? CLOSURE_ARGUMENTS[kind][method] : undefined;
  const arg = given && (given.endsWith('error') ? t.args[1] : t.args[0]);
  if (!given || !arg) return undefined;
  return given.startsWith('&') ? { k: 'ref', mut: false, inner: arg, text: `&${arg.text}` } : arg;
}

/** Whether a method of this name takes its receiver by value whatever the type (`into_*`, `unwrap`). */
export function consumesReceiver(method: string): boolean {
  return /^(into_\w+|unwrap\w*|expect\w*|take)$/.test(method);
}

export function constructorKind(path: string): 'arg' | 'empty' | 'self' | undefined {
  return CONSTRUCTORS.get(path);
}

function unknownTy(name: string): Ty {
  return { k: 'unknown', text: name, reason: `\`${name}\` is not written` };
}

/** The std smart pointers a method call auto-derefs through to find the method. */
export const DEREF_PATHS = new Set([
  'std::rc::Rc',
  'std::sync::Arc',
  'std::boxed::Box',
  'std::sync::MutexGuard',
  'std::sync::RwLockReadGuard',
  'std::sync::RwLockWriteGuard',
  'std::cell::Ref',
  'std::cell::RefMut',
]);

/**
 * Whether dropping a value of the type runs code (drop glue): such a value stays in the future to
 * the end of its scope even when it is not used again. Undefined: cannot tell.
 */
export function needsDrop(
  ty: Ty,
  depth = 0,
  adt: (ty: Ty) => boolean | undefined = () => undefined,
): boolean | undefined {
  if (depth > 8) return undefined;
  const needsDrop = (t: Ty, d: number) => needsDropOf(t, d, adt);
  switch (ty.k) {
    case 'plain':
    case 'ref':
    case 'ptr':
      return false;
    case 'seq':
      return ty.text.startsWith('[') && !ty.text.includes(';') ? true : needsDrop(ty.inner, depth + 1);
    case 'tuple': {
      const parts = ty.elems.map((e) => needsDrop(e, depth + 1));
      return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false;
    }
    case 'known': {
      const p = ty.known.path;
      // (`Cursor<T>` is its `T` and a position.)
      if (/^std::(cell::Cell|option::Option|result::Result|io::Cursor)$/.test(p)) {
        const parts = ty.args.map((a) => needsDrop(a, depth + 1));
        return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false;
      }
      if (p === 'std::marker::PhantomData') return false;
      return true;
    }
    case 'adt':
      return adt(ty);
    default:
      return undefined;
  }
}

const needsDropOf = (ty: Ty, depth: number, adt: (ty: Ty) => boolean | undefined) => needsDrop(ty, depth, adt);

/** The methods of std's channel senders that send a `T` (their first argument). */
export const STD_SENDING = new Set([
  'std::sync::mpsc::Sender::send',
  'std::sync::mpsc::SyncSender::send',
  'std::sync::mpsc::SyncSender::try_send',
]);

/**
 * `mpsc::channel()`, `mpsc::sync_channel(n)`: the sender and receiver of one `T`, the turbofish's
 * (`named`), else (in a `let` that wants holes, see fnResult) left to inference, which a later
 * `tx.send(x)` fills.
 */
export function stdChannel(full: string, named?: Ty): Ty | undefined {
  const sender =
    full === 'std::sync::mpsc::channel'
      ? 'std::sync::mpsc::Sender'
      : full === 'std::sync::mpsc::sync_channel'
        ? 'std::sync::mpsc::SyncSender'
        : undefined;
  if (!sender) return undefined;
  const t: Ty = named ?? { k: 'unknown', text: '_', reason: 'what `T` is at `channel(..)` is not inferred', hole: {} };
  const tx = knownTy(sender, [t]);
  const rx = knownTy('std::sync::mpsc::Receiver', [t]);
  return tx && rx ? { k: 'tuple', elems: [tx, rx], text: `(${tx.text}, ${rx.text})` } : undefined;
}

/** std's `Read` methods that read into a `&mut Vec<u8>` given as their one argument. */
export const STD_READ_INTO = new Set(['read_to_end']);

/**
 * std's time arithmetic, and tokio's `Instant`'s (`Instant::now() + Duration::from_millis(10)`): an
 * instant moved by a `Duration` is one of its type, two of one type apart a `Duration`, a
 * `Duration` added to, taken from, multiplied or divided stays one.
 */
export function timeArithmetic(left: Ty, op: string, right: Ty | undefined): Ty | undefined {
  const duration = (t: Ty) => t.k === 'known' && t.known.path === 'std::time::Duration';
  const instant = (t: Ty) =>
    (t.k === 'known' && /^std::time::(Instant|SystemTime)$/.test(t.known.path)) ||
    (t.k === 'adt' && t.def.name === 'Instant' && t.def.generics.params.length === 0);
  if (!right) return undefined;
  const r = right;
  if (instant(left) && (op === '+' || op === '-') && duration(r)) return left;
  if (instant(left) && op === '-' && r.text === left.text) return knownTy('std::time::Duration', []);
  if (duration(left) && (op === '+' || op === '-') && duration(r)) return left;
  // (`Duration * 3`: only `u32` and `f64` multiply one, so any number that compiles there does.)
  if (
    duration(left) &&
    (op === '*' || op === '/') &&
    r.k === 'plain' &&
    /^([iu](8|16|32|64|128|size)|f32|f64)$/.test(r.text)
  )
    return left;
  return undefined;
}

/** std's integer types, narrowest first, unsigned before signed. */
const INTEGERS = ['u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize'];

/**
 * `u16::try_from(n)` of an integer `n`: a `Result` of the target and `Infallible` where std has
 * `From` between the two (see widens), else `TryFromIntError`.
 */
export function integerTryFrom(target: string, given: Ty): Ty | undefined {
  if (!INTEGERS.includes(target) || given.k !== 'plain' || !INTEGERS.includes(given.text)) return undefined;
  const error = knownTy(widens(given.text, target) ? 'std::convert::Infallible' : 'std::num::TryFromIntError', []);
  return error && knownTy('std::result::Result', [{ k: 'plain', text: target }, error]);
}

/** `usize` and `isize` take `From` only of these; the others of none. */
const FROM_INTO_SIZE: Record<string, string[]> = { usize: ['u8', 'u16'], isize: ['i8', 'i16', 'u8'] };

/**
 * Whether std has `From<from>` for the integer type `to`: itself; a wider type of the same sign,
 * or a signed one wider than an unsigned; `usize` and `isize` only of FROM_INTO_SIZE.
 */
function widens(from: string, to: string): boolean {
  if (from === to) return true;
  const sized = FROM_INTO_SIZE[to];
  if (sized) return sized.includes(from);
  if (from.endsWith('size')) return false;
  const sameSign = from.startsWith(to.charAt(0));
  return Number(to.slice(1)) > Number(from.slice(1)) && (sameSign || from.startsWith('u'));
}
