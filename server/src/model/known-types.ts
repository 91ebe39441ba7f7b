// The standard library's Send/Sync rules, as data: one row per type, each with the rule the
// compiler applies and a one-line justification. A test re-checks every row with rustc, through
// the row's `sample` instantiation, so the table cannot silently drift from the compiler.
// The hand rows below come first; every other type of std, core and alloc comes from
// std-table.json, generated from the toolchain's rustdoc (`npm run gen:std-table`), and types
// whose rules the generator could not state as atoms are `unknown` with its reason.
//
// Rules: 'yes' / 'no' hold whatever the parameters are; a list of atoms (`T: Send`) holds exactly
// when every atom holds. Rows write atoms as text, read once here into typed atoms. A parameter
// the user leaves out takes its default (`Global`, `RandomState`, `fn() -> T`), all of which are
// Send and Sync, except where noted.
import { autoAtom, type Atom } from './conditions';
import stdTable from './std-table.json';

/** A parameter's auto trait: the only condition std's auto-trait impls put on a parameter. */
type AutoAtom = Extract<Atom, { kind: 'auto' }>;

export type AutoRule = 'yes' | 'no' | readonly AutoAtom[];

/** How rows write a rule: `'yes'`, `'no'`, or atoms such as `['T: Send', 'T: Sync']`. */
export type WrittenRule = 'yes' | 'no' | readonly string[];

function readRule(path: string, rule: WrittenRule): AutoRule {
  if (typeof rule === 'string') return rule;
  return rule.map((text) => {
    const m = /^([A-Z]\w*): (Send|Sync)$/.exec(text);
    if (!m) throw new Error(`std table row ${path}: \`${text}\` is not of the form \`T: Send\` or \`T: Sync\``);
    return autoAtom(m[1], m[2] as 'Send' | 'Sync') as AutoAtom;
  });
}

export interface KnownType {
  /** Canonical path; `core::` and `alloc::` spellings are looked up as `std::`. */
  path: string;
  /** Other paths that name the same type. */
  aliases?: readonly string[];
  /** Type parameters in order (lifetimes and consts left out). */
  params: readonly string[];
  send: AutoRule;
  sync: AutoRule;
  /** Positions of const parameters among the non-lifetime arguments (`IntoIter<T, const N>`). */
  consts?: readonly number[];
  /** An instantiation for the compiler check; `$T`, `$U` are replaced by probe types. Hand
   * rows only (generated rows are checked through std-table.json's own samples). */
  sample?: string;
  why: string;
  /** What a value gives access to, for the `&self`-API check; absent: nothing it knows of. */
  access?: Access;
}

/** A row written here: it always has its sample. */
export type HandRow = KnownType & { sample: string };

/**
 * What a value of the type gives access to, as the `&self`-API check (rules/sync-api.ts) reads a
 * signature; a test checks each row with rustc:
 * - `owns`: holds its parameters by value (`Option<T>`, `Box<T>`): moving it moves them;
 * - `shared`: hands out `&T` of its last parameter (`Ref`, `RwLockReadGuard`, `slice::Iter`);
 * - `exclusive`: hands out `&mut T` of its last parameter, to one holder at a time (`MutexGuard`).
 */
export type Access = 'owns' | 'shared' | 'exclusive';

interface RowExtra {
  aliases?: readonly string[];
  sample?: string;
  access?: Access;
}

const row = (
  path: string,
  params: readonly string[],
  send: WrittenRule,
  sync: WrittenRule,
  why: string,
  extra: RowExtra = {},
): HandRow => ({
  path,
  params,
  send: readRule(path, send),
  sync: readRule(path, sync),
  why,
  aliases: extra.aliases,
  access: extra.access,
  sample: extra.sample ?? (params.length ? `${path}<${params.map(() => '$T').join(', ')}>` : path),
});

/** Plain data types with no parameters: Send and Sync. */
const plain = (path: string, why: string, aliases?: readonly string[]) => row(path, [], 'yes', 'yes', why, { aliases });
/** A container that owns its `T`: Send iff `T: Send`, Sync iff `T: Sync`. */
const owns = (path: string, why: string, extra: RowExtra = {}) =>
  row(path, ['T'], ['T: Send'], ['T: Sync'], why, extra);

const atomics = [
  'AtomicBool',
  'AtomicI8',
  'AtomicI16',
  'AtomicI32',
  'AtomicI64',
  'AtomicIsize',
  'AtomicU8',
  'AtomicU16',
  'AtomicU32',
  'AtomicU64',
  'AtomicUsize',
];

export const KNOWN_TYPES: readonly HandRow[] = [
  // std::rc / std::sync shared pointers
  row('std::rc::Rc', ['T'], 'no', 'no', '`Rc` is never `Send` or `Sync`: its reference count is not atomic'),
  row('std::rc::Weak', ['T'], 'no', 'no', "`rc::Weak` is never `Send` or `Sync`: it shares `Rc`'s non-atomic count"),
  row(
    'std::sync::Arc',
    ['T'],
    ['T: Send', 'T: Sync'],
    ['T: Send', 'T: Sync'],
    '`Arc<T>` shares `T` across threads and may drop it on any of them, so it needs `T: Send + Sync`',
  ),
  row('std::sync::Weak', ['T'], ['T: Send', 'T: Sync'], ['T: Send', 'T: Sync'], '`sync::Weak<T>` follows `Arc<T>`'),
  // std::cell: interior mutability without synchronization is never Sync
  row('std::cell::Cell', ['T'], ['T: Send'], 'no', '`Cell` allows mutation through `&`, so it is never `Sync`'),
  row('std::cell::RefCell', ['T'], ['T: Send'], 'no', "`RefCell`'s borrow flag is not atomic, so it is never `Sync`"),
  row(
    'std::cell::UnsafeCell',
    ['T'],
    ['T: Send'],
    'no',
    '`UnsafeCell` is the root of interior mutability and is never `Sync`',
  ),
  row('std::cell::OnceCell', ['T'], ['T: Send'], 'no', '`OnceCell` is the single-threaded `OnceLock`: never `Sync`'),
  row(
    'std::cell::LazyCell',
    ['T', 'F'],
    ['T: Send', 'F: Send'],
    'no',
    '`LazyCell` is the single-threaded `LazyLock`: never `Sync`',
    { sample: 'std::cell::LazyCell<$T, fn() -> $T>' },
  ),
  row(
    'std::cell::Ref',
    ['T'],
    'no',
    'no',
    "`cell::Ref` is never `Send` or `Sync`: it holds a `RefCell`'s non-atomic borrow flag",
    { sample: "std::cell::Ref<'static, $T>", access: 'shared' },
  ),
  row(
    'std::cell::RefMut',
    ['T'],
    'no',
    'no',
    "`cell::RefMut` is never `Send` or `Sync`: it holds a `RefCell`'s non-atomic borrow flag",
    { sample: "std::cell::RefMut<'static, $T>", access: 'exclusive' },
  ),
  // std::sync locks
  row(
    'std::sync::Mutex',
    ['T'],
    ['T: Send'],
    ['T: Send'],
    '`Mutex<T>` hands `&mut T` to one thread at a time, so it needs only `T: Send`',
  ),
  row(
    'std::sync::MutexGuard',
    ['T'],
    'no',
    ['T: Sync'],
    'a `MutexGuard` must be dropped on the thread that locked it',
    { sample: "std::sync::MutexGuard<'static, $T>", access: 'exclusive' },
  ),
  row(
    'std::sync::RwLock',
    ['T'],
    ['T: Send'],
    ['T: Send', 'T: Sync'],
    '`RwLock<T>` hands out `&T` to many readers at once, so `Sync` also needs `T: Sync`',
  ),
  row(
    'std::sync::RwLockReadGuard',
    ['T'],
    'no',
    ['T: Sync'],
    'an `RwLock` guard must be dropped on the thread that locked it',
    { sample: "std::sync::RwLockReadGuard<'static, $T>", access: 'shared' },
  ),
  row(
    'std::sync::RwLockWriteGuard',
    ['T'],
    'no',
    ['T: Sync'],
    'an `RwLock` guard must be dropped on the thread that locked it',
    { sample: "std::sync::RwLockWriteGuard<'static, $T>", access: 'exclusive' },
  ),
  row(
    'std::sync::OnceLock',
    ['T'],
    ['T: Send'],
    ['T: Send', 'T: Sync'],
    '`OnceLock<T>` is initialised by one thread and read by many',
  ),
  row(
    'std::sync::LazyLock',
    ['T', 'F'],
    ['T: Send', 'F: Send'],
    ['T: Send', 'T: Sync', 'F: Send'],
    '`LazyLock<T, F>` runs `F` on one thread and shares `T` with all',
    { sample: 'std::sync::LazyLock<$T, fn() -> $T>' },
  ),
  plain('std::sync::Condvar', '`Condvar` is a synchronization primitive'),
  plain('std::sync::Barrier', '`Barrier` is a synchronization primitive'),
  plain('std::sync::Once', '`Once` is a synchronization primitive'),
  row(
    'std::sync::mpsc::Sender',
    ['T'],
    ['T: Send'],
    ['T: Send'],
    'an `mpsc::Sender<T>` moves `T` to another thread (and is `Sync` since Rust 1.72)',
  ),
  row(
    'std::sync::mpsc::SyncSender',
    ['T'],
    ['T: Send'],
    ['T: Send'],
    'an `mpsc::SyncSender<T>` moves `T` to another thread',
  ),
  row('std::sync::mpsc::Receiver', ['T'], ['T: Send'], 'no', 'an `mpsc::Receiver` is single-consumer, so never `Sync`'),
  ...atomics.map((a) => plain(`std::sync::atomic::${a}`, `\`${a}\` is atomic`)),
  row('std::sync::atomic::AtomicPtr', ['T'], 'yes', 'yes', '`AtomicPtr<T>` is `Send` and `Sync` for every `T`'),
  // pointers
  row('std::ptr::NonNull', ['T'], 'no', 'no', '`NonNull` is a raw pointer: never `Send` or `Sync`'),
  // owning containers
  owns('std::boxed::Box', '`Box<T>` owns its `T`', { access: 'owns' }),
  owns('std::vec::Vec', '`Vec<T>` owns its elements', { access: 'owns' }),
  owns('std::collections::VecDeque', '`VecDeque<T>` owns its elements', {
    access: 'owns',
    aliases: ['std::collections::vec_deque::VecDeque'],
  }),
  owns('std::collections::LinkedList', '`LinkedList<T>` owns its elements', {
    aliases: ['std::collections::linked_list::LinkedList'],
  }),
  owns('std::collections::BinaryHeap', '`BinaryHeap<T>` owns its elements', {
    aliases: ['std::collections::binary_heap::BinaryHeap'],
  }),
  owns('std::collections::HashSet', '`HashSet<T>` owns its elements', {
    aliases: ['std::collections::hash_set::HashSet'],
  }),
  owns('std::collections::BTreeSet', '`BTreeSet<T>` owns its elements', {
    aliases: ['std::collections::btree_set::BTreeSet'],
  }),
  row(
    'std::collections::HashMap',
    ['K', 'V'],
    ['K: Send', 'V: Send'],
    ['K: Sync', 'V: Sync'],
    '`HashMap<K, V>` owns its keys and values',
    { aliases: ['std::collections::hash_map::HashMap'], sample: 'std::collections::HashMap<$T, $T>' },
  ),
  row(
    'std::collections::BTreeMap',
    ['K', 'V'],
    ['K: Send', 'V: Send'],
    ['K: Sync', 'V: Sync'],
    '`BTreeMap<K, V>` owns its keys and values',
    { aliases: ['std::collections::btree_map::BTreeMap'], sample: 'std::collections::BTreeMap<$T, $T>' },
  ),
  owns('std::option::Option', '`Option<T>` owns its `T`', { access: 'owns' }),
  row(
    'std::result::Result',
    ['T', 'E'],
    ['T: Send', 'E: Send'],
    ['T: Sync', 'E: Sync'],
    '`Result<T, E>` owns its `T` or its `E`',
    { sample: 'std::result::Result<$T, $T>', access: 'owns' },
  ),
  owns('std::vec::IntoIter', '`vec::IntoIter<T>` owns the remaining elements'),
  row('std::slice::Iter', ['T'], ['T: Sync'], ['T: Sync'], '`slice::Iter<T>` holds `&T`, so both need `T: Sync`', {
    sample: "std::slice::Iter<'static, $T>",
    access: 'shared',
  }),
  row('std::slice::IterMut', ['T'], ['T: Send'], ['T: Sync'], '`slice::IterMut<T>` holds `&mut T`', {
    sample: "std::slice::IterMut<'static, $T>",
    access: 'exclusive',
  }),
  // markers and wrappers
  owns('std::marker::PhantomData', '`PhantomData<T>` is as `Send` and `Sync` as a `T` it pretends to own'),
  plain('std::marker::PhantomPinned', '`PhantomPinned` only opts out of `Unpin`'),
  owns('std::mem::ManuallyDrop', '`ManuallyDrop<T>` wraps a `T`', { access: 'owns' }),
  owns('std::mem::MaybeUninit', '`MaybeUninit<T>` may hold a `T`', { access: 'owns' }),
  owns('std::pin::Pin', '`Pin<P>` wraps its pointer `P`', { access: 'owns' }),
  owns('std::panic::AssertUnwindSafe', '`AssertUnwindSafe<T>` wraps a `T`'),
  owns('std::num::Wrapping', '`Wrapping<T>` wraps a `T`', { access: 'owns' }),
  owns('std::cmp::Reverse', '`Reverse<T>` wraps a `T`', { access: 'owns' }),
  owns('std::ops::Range', '`Range<T>` holds two `T`'),
  owns('std::ops::RangeInclusive', '`RangeInclusive<T>` holds two `T`'),
  // std::thread and std::task
  row('std::thread::JoinHandle', ['T'], 'yes', 'yes', '`JoinHandle<T>` is `Send` and `Sync` for every `T`'),
  plain('std::thread::Thread', '`Thread` is a handle to a thread'),
  plain('std::thread::ThreadId', '`ThreadId` is a number'),
  row(
    'std::thread::Result',
    ['T'],
    ['T: Send'],
    'no',
    "`thread::Result<T>` is `Result<T, Box<dyn Any + Send>>`: its error is `Send` but never `Sync` (a panic's payload)",
  ),
  row(
    'std::thread::LocalKey',
    ['T'],
    'yes',
    'yes',
    '`LocalKey<T>` is `Send` and `Sync` for every `T`: each thread has its own value',
  ),
  plain('std::task::Waker', '`Waker` is `Send` and `Sync` by contract'),
  row('std::task::Context', [], 'no', 'no', '`Context` is neither `Send` nor `Sync`', {
    sample: "std::task::Context<'static>",
  }),
  row('std::task::RawWaker', [], 'no', 'no', '`RawWaker` holds a raw data pointer'),
  // strings, paths, time, io, fs, net, process, env
  plain('std::string::String', '`String` owns its bytes'),
  plain('std::ffi::OsString', '`OsString` owns its bytes'),
  plain('std::ffi::CString', '`CString` owns its bytes'),
  plain('std::path::PathBuf', '`PathBuf` owns its bytes'),
  plain('std::time::Duration', '`Duration` is plain data'),
  plain('std::time::Instant', '`Instant` is plain data'),
  plain('std::time::SystemTime', '`SystemTime` is plain data'),
  plain('std::fs::File', '`File` is an owned file descriptor'),
  plain('std::net::TcpStream', '`TcpStream` is an owned socket'),
  plain('std::net::TcpListener', '`TcpListener` is an owned socket'),
  plain('std::net::UdpSocket', '`UdpSocket` is an owned socket'),
  plain('std::net::SocketAddr', '`SocketAddr` is plain data'),
  plain('std::net::IpAddr', '`IpAddr` is plain data'),
  plain('std::io::Stdout', '`Stdout` locks internally'),
  plain('std::io::Stderr', '`Stderr` locks internally'),
  plain('std::io::Stdin', '`Stdin` locks internally'),
  row('std::io::StdoutLock', [], 'no', 'no', 'a `StdoutLock` holds a reentrant lock guard', {
    sample: "std::io::StdoutLock<'static>",
  }),
  row('std::io::StdinLock', [], 'no', 'yes', 'a `StdinLock` holds a lock guard', {
    sample: "std::io::StdinLock<'static>",
  }),
  plain('std::io::Error', '`io::Error` is `Send` and `Sync` by design'),
  plain('std::process::Child', '`Child` owns its process handles'),
  plain('std::process::ChildStdin', '`ChildStdin` is an owned pipe'),
  plain('std::process::Command', '`Command` owns its arguments'),
  row('std::env::Args', [], 'no', 'no', '`env::Args` holds a raw-pointer iterator'),
  row('std::env::ArgsOs', [], 'no', 'no', '`env::ArgsOs` holds a raw-pointer iterator'),
  row('std::env::Vars', [], 'no', 'no', '`env::Vars` holds a raw-pointer iterator'),
  row('std::env::VarsOs', [], 'no', 'no', '`env::VarsOs` holds a raw-pointer iterator'),
  plain('std::backtrace::Backtrace', '`Backtrace` is `Send` and `Sync` by design'),
  // more plain data and handles of std, met in real crates
  ...['ErrorKind', 'SeekFrom'].map((n) => plain(`std::io::${n}`, `\`io::${n}\` is plain data`)),
  owns('std::io::Result', '`io::Result<T>` is `Result<T, io::Error>`'),
  owns('std::io::Cursor', '`Cursor<T>` owns its `T`'),
  owns('std::io::BufReader', '`BufReader<R>` owns its reader and a byte buffer'),
  owns('std::io::Take', '`Take<R>` owns its reader'),
  ...['OpenOptions', 'FileType', 'Metadata', 'Permissions', 'DirEntry', 'ReadDir', 'DirBuilder'].map((n) =>
    plain(`std::fs::${n}`, `\`fs::${n}\` is owned data`),
  ),
  ...['ExitStatus', 'Output', 'Stdio', 'ChildStdout', 'ChildStderr', 'ExitCode'].map((n) =>
    plain(`std::process::${n}`, `\`process::${n}\` is owned data`),
  ),
  ...['Shutdown', 'Ipv4Addr', 'Ipv6Addr', 'SocketAddrV4', 'SocketAddrV6'].map((n) =>
    plain(`std::net::${n}`, `\`net::${n}\` is plain data`),
  ),
  ...['UnixStream', 'UnixListener', 'UnixDatagram', 'SocketAddr'].map((n) =>
    plain(`std::os::unix::net::${n}`, `\`${n}\` is an owned socket`),
  ),
  plain('std::os::fd::OwnedFd', '`OwnedFd` is an owned file descriptor', ['std::os::unix::io::OwnedFd']),
  plain('std::any::TypeId', '`TypeId` is plain data'),
  plain('std::alloc::Layout', '`Layout` is plain data'),
  plain('std::ffi::c_void', '`c_void` is an opaque enum', ['std::os::raw::c_void']),
  ...[
    'NonZeroU8',
    'NonZeroU16',
    'NonZeroU32',
    'NonZeroU64',
    'NonZeroUsize',
    'NonZeroI32',
    'NonZeroI64',
    'NonZeroIsize',
  ].map((n) => plain(`std::num::${n}`, `\`${n}\` is a number`)),
  plain('std::num::TryFromIntError', '`TryFromIntError` is a unit struct'),
  plain('std::sync::atomic::Ordering', '`atomic::Ordering` is plain data'),
  plain('std::cmp::Ordering', '`cmp::Ordering` is plain data'),
  plain('std::collections::hash_map::RandomState', '`RandomState` is plain data', ['std::hash::RandomState']),
  plain('std::collections::hash_map::DefaultHasher', '`DefaultHasher` is plain data', ['std::hash::DefaultHasher']),
  row(
    'std::hash::BuildHasherDefault',
    ['H'],
    'yes',
    'yes',
    '`BuildHasherDefault<H>` holds only `PhantomData<fn() -> H>`',
  ),
  owns('std::task::Poll', '`Poll<T>` owns its `T`'),
  owns('std::future::Ready', '`future::Ready<T>` owns its `T`'),
  owns('std::ops::RangeFrom', '`RangeFrom<T>` holds a `T`'),
  owns('std::ops::RangeTo', '`RangeTo<T>` holds a `T`'),
  owns('std::ops::Bound', '`Bound<T>` holds a `T`'),
  plain('std::thread::Builder', '`thread::Builder` owns its name and stack size'),
  plain('std::string::FromUtf8Error', '`FromUtf8Error` owns its bytes'),
  row('std::fmt::Arguments', [], 'no', 'no', '`fmt::Arguments` borrows values through `&dyn Display`', {
    sample: "std::fmt::Arguments<'static>",
  }),
  plain('std::fmt::Error', '`fmt::Error` is a unit struct'),
  plain('std::convert::Infallible', '`Infallible` is an empty enum'),
  plain('std::sync::mpsc::RecvError', '`RecvError` is a unit struct'),
  plain('std::sync::mpsc::TryRecvError', '`TryRecvError` is plain data'),
];

/** Names usable without an import: the std prelude's types. */
export const PRELUDE_TYPES: Readonly<Record<string, string>> = {
  Box: 'std::boxed::Box',
  Vec: 'std::vec::Vec',
  String: 'std::string::String',
  Option: 'std::option::Option',
  Result: 'std::result::Result',
};

/** Primitive types: all Send and Sync. */
export const PRIMITIVES = new Set([
  'bool',
  'char',
  'str',
  'u8',
  'u16',
  'u32',
  'u64',
  'u128',
  'usize',
  'i8',
  'i16',
  'i32',
  'i64',
  'i128',
  'isize',
  'f32',
  'f64',
]);

/** Traits of std whose trait objects are not Send/Sync unless `+ Send` / `+ Sync` says so. */
export const STD_TRAITS_WITHOUT_AUTO_SUPERTRAITS = new Set([
  'Fn',
  'FnMut',
  'FnOnce',
  'Any',
  'Error',
  'Debug',
  'Display',
  'Iterator',
  'DoubleEndedIterator',
  'ExactSizeIterator',
  'Future',
  'Read',
  'Write',
  'BufRead',
  'Seek',
  'Hash',
  'Hasher',
  'Clone',
  'Drop',
  'AsRef',
  'AsMut',
  'Borrow',
  'Deref',
  'DerefMut',
  'Default',
  'PartialEq',
  'Eq',
  'PartialOrd',
  'Ord',
  'ToString',
  'FromStr',
  'Into',
  'From',
  'IntoIterator',
  'Unpin',
  'Copy',
  'Sized',
  'RefUnwindSafe',
  'UnwindSafe',
  'ToOwned',
  'Extend',
  'FromIterator',
  'Stream',
]);

/** Every spelling of a path is looked up as `std::`: `core::` and `alloc::` name the same types. */
/** `std::os::unix::prelude::*` (nix's `RawFd`): the prelude re-exports the fd types of `std::os::fd`. */
const normalize = (path: string) =>
  path
    .replace(/^::/, '')
    .replace(/^(core|alloc)::/, 'std::')
    .replace(/^std::os::unix::prelude::(RawFd|OwnedFd|BorrowedFd)$/, 'std::os::fd::$1');

/** One type of std-table.json, as test/oracle/std-table.ts writes it. */
export interface GeneratedRow {
  path: string;
  aliases?: string[];
  /** Type parameters in order (lifetimes and consts left out). */
  params: string[];
  /** Positions of const parameters among the non-lifetime arguments, when there are any. */
  consts?: number[];
  send: WrittenRule;
  sync: WrittenRule;
  /** An instantiation for the rustc check: `$0`, `$1`… are the params, by index. Absent: the
   * type cannot be named with probe arguments (unstable, or a parameter with a trait bound). */
  sample?: string;
}

/** A type the generator left out, and why (its verdicts stay unknown with that reason). */
export interface OmittedRow {
  path: string;
  aliases?: string[];
  reason: string;
}

/** The format of std-table.json. */
export interface GeneratedTable {
  toolchain: string;
  rows: GeneratedRow[];
  omitted: OmittedRow[];
}
const generated = stdTable as GeneratedTable;

/** A generated row, whose `why` names the docs it was read from. */
const fromDocs = (r: GeneratedRow): KnownType => ({
  path: r.path,
  aliases: r.aliases,
  params: r.params,
  consts: r.consts,
  send: readRule(r.path, r.send),
  sync: readRule(r.path, r.sync),
  why: `as the docs of ${generated.toolchain.split(' (')[0]} state`,
});

const byPath = new Map<string, KnownType>();
const omitted = new Map<string, string>();
for (const k of KNOWN_TYPES) {
  for (const p of [k.path, ...(k.aliases ?? [])]) byPath.set(normalize(p), k);
}
// Hand rows win: a generated row they cover only adds its spellings to them.
for (const r of generated.rows) {
  const keys = [r.path, ...(r.aliases ?? [])].map(normalize);
  const hand = keys.map((key) => byPath.get(key)).find((k) => k !== undefined);
  const k = hand ?? fromDocs(r);
  for (const key of keys) if (!byPath.has(key)) byPath.set(key, k);
}
for (const o of generated.omitted) {
  for (const p of [o.path, ...(o.aliases ?? [])]) if (!byPath.has(normalize(p))) omitted.set(normalize(p), o.reason);
}

/** Looks a full path up, accepting `core::` / `alloc::` / `::std::` spellings. */
export function lookupKnownType(path: string): KnownType | undefined {
  return byPath.get(normalize(path));
}

const modules = new Set<string>();
for (const key of [...byPath.keys(), ...omitted.keys()]) {
  const parts = key.split('::');
  for (let i = 2; i < parts.length; i++) modules.add(parts.slice(0, i).join('::'));
}

/** Whether a path names a std module that holds a type of the table (`std::sync`, `core::cell`). */
export function isStdModule(path: string): boolean {
  return modules.has(normalize(path));
}

/** Why a std type the docs show has no row (its impls are not plain atoms), if it is one. */
export function stdOmission(path: string): string | undefined {
  const reason = omitted.get(normalize(path));
  return reason && `the std table omits \`${normalize(path)}\`: ${reason}`;
}
