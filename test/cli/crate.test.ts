// The CLI on a Cargo project, run as a user runs it: `check` resolves types across files and
// dependencies, `report` lists every type with its verdicts (markdown and JSON), and paths in the
// output stay relative to what was given.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const CRATES = join(__dirname, '..', 'fixtures', 'crates');

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('check on one file of a crate uses the other files and the vendored dependency', () => {
  const run = cli(['check', '--format', 'json', join('src', 'worker', 'mod.rs')], join(CRATES, 'app'));
  assert.equal(run.stderr, '');
  const out = JSON.parse(run.stdout) as {
    types: { file: string; path: string; send: { status: string }; sync: { status: string } }[];
  };
  const worker = out.types.find((t) => t.path === 'worker::Worker');
  assert.ok(worker, run.stdout);
  assert.equal(worker.file, join('src', 'worker', 'mod.rs'));
  // Alone, `Queue` (other crate) and `net::Handle` (vendored crate) would be unknown.
  assert.equal(worker.send.status, 'yes');
  assert.equal(worker.sync.status, 'no');
});

test("check reads a dependency's impl written in a fn body and its items after fn bodies", () => {
  // The vendored dependency is parsed with its plain fn bodies and comments blanked.
  const run = cli(['check', '--format', 'json', join('src', 'lib.rs')], join(CRATES, 'app'));
  const out = JSON.parse(run.stdout) as { types: { path: string; send: { status: string } }[] };
  const send = (path: string) => out.types.find((t) => t.path === path)?.send.status;
  assert.equal(send('UsesRegistered'), 'yes', run.stdout);
  assert.equal(send('UsesAfterBodies'), 'no', run.stdout);
});

// A folder holding several crates (no Cargo.toml of its own): each file goes with its own crate.
test('check and report on a folder of crates analyse each file with the crate it belongs to', () => {
  const run = cli(['check', '--format', 'json', '--jobs', '2', '.'], CRATES);
  assert.equal(run.stderr, '');
  const out = JSON.parse(run.stdout) as { types: { file: string; path: string; send: { status: string } }[] };
  const worker = out.types.find(
    (t) => t.file === join('app', 'src', 'worker', 'mod.rs') && t.path === 'worker::Worker',
  );
  assert.ok(worker, "the module path is the crate's, not the file's alone");
  assert.equal(worker.send.status, 'yes');
  const report = cli(['report', '--format', 'json', '.'], CRATES);
  assert.equal(report.status, 0, report.stderr);
  const reported = JSON.parse(report.stdout) as { types: { file: string; path: string }[] };
  assert.ok(
    reported.types.some((t) => t.file === join('app', 'src', 'worker', 'job.rs') && t.path === 'worker::job::Job'),
  );
  assert.ok(reported.types.some((t) => t.file === join('helper', 'src', 'queue.rs') && t.path === 'queue::Queue'));
});

/** A temporary folder for a test's crates; `write` makes files in it. */
function scratch(prefix: string): { dir: string; write: (path: string, text: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  return { dir, write };
}

const PACKAGE = (name: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;

/**
 * Writes `files` (path -> lines) in a scratch folder, checks the crate `app` there, and asserts
 * the `Send` verdict of each future `expected` names; the folder is removed afterwards.
 */
function expectFutureVerdicts(prefix: string, files: Record<string, string[]>, expected: Record<string, string>): void {
  const { dir, write } = scratch(prefix);
  try {
    for (const [path, lines] of Object.entries(files)) write(path, lines.join('\n'));
    const { verdict, stdout } = futureVerdicts('app', dir);
    for (const [name, status] of Object.entries(expected)) assert.equal(verdict(name), status, `${name}\n${stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `Send` verdict `check --format json` gives each future of the crate in `dir/crate`, by fn name. */
function futureVerdicts(crate: string, dir: string): { verdict: (name: string) => string | undefined; stdout: string } {
  const run = cli(['check', '--format', 'json', crate], dir);
  const out = JSON.parse(run.stdout) as { futures: { name: string; send: { status: string } }[] };
  return { verdict: (name) => out.futures.find((f) => f.name === name)?.send.status, stdout: run.stdout };
}

/**
 * The Send verdicts `check --format json` gives the crate in `dir/crate`, by type path; the
 * folder is removed afterwards. `write` fills it first.
 */
function sendVerdicts(
  prefix: string,
  crate: string,
  fill: (write: (path: string, text: string) => void, dir: string) => void,
): Map<string, string> {
  const { dir, write } = scratch(prefix);
  try {
    fill(write, dir);
    const run = cli(['check', '--format', 'json', crate], dir);
    assert.equal(run.stderr, '');
    const out = JSON.parse(run.stdout) as { types: { path: string; send: { status: string } }[] };
    return new Map(out.types.map((t) => [t.path, t.send.status]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a workspace member reads a dependency it inherits from [workspace.dependencies]', () => {
  const verdicts = sendVerdicts('rss-workspace-', join('crates', 'app'), (write) => {
    write(
      'Cargo.toml',
      '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nshared = { path = "crates/shared" }\n',
    );
    write('crates/shared/Cargo.toml', PACKAGE('shared'));
    write('crates/shared/src/lib.rs', 'pub struct Counted(pub std::rc::Rc<u8>);\n');
    write('crates/app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\nshared.workspace = true\n`);
    write('crates/app/src/lib.rs', 'pub struct Holder(shared::Counted);\n');
  });
  assert.equal(verdicts.get('Holder'), 'no');
});

test('a dependency given by an absolute path is read from that path', () => {
  const verdicts = sendVerdicts('rss-absolute-', 'app', (write, dir) => {
    write('shared/Cargo.toml', PACKAGE('shared'));
    write('shared/src/lib.rs', 'pub struct Counted(pub std::rc::Rc<u8>);\n');
    const absolute = JSON.stringify(join(dir, 'shared'));
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\nshared = { path = ${absolute} }\n`);
    write('app/src/lib.rs', 'pub struct Holder(shared::Counted);\n');
  });
  assert.equal(verdicts.get('Holder'), 'no');
});

test("a crate's fn imported under the crate's own name leaves the name naming the crate in the next import", () => {
  // regex's `use memchr::{memchr, memmem};`: memchr's `memchr` is a fn and a private module.
  const verdicts = sendVerdicts('rss-self-named-', 'app', (write) => {
    write('finder/Cargo.toml', PACKAGE('finder'));
    write(
      'finder/src/lib.rs',
      'mod finder {\n    pub fn finder() {}\n}\npub use crate::finder::finder;\npub mod sub {\n    pub struct Finder(pub *const u8);\n}\n',
    );
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\nfinder = { path = "../finder" }\n`);
    write('app/src/lib.rs', 'use finder::{finder, sub};\npub struct Holder {\n    f: sub::Finder,\n}\n');
  });
  assert.equal(verdicts.get('Holder'), 'no');
});

test("a test sees its dev-dependency's features on a crate the library also depends on", () => {
  const verdicts = sendVerdicts('rss-dev-features-', 'app', (write) => {
    write('dep/Cargo.toml', `${PACKAGE('dep')}\n[features]\nextra = []\n`);
    write('dep/src/lib.rs', '#[cfg(feature = "extra")]\npub struct Counted(pub std::rc::Rc<u8>);\npub struct Plain;\n');
    const deps = '[dependencies]\ndep = { path = "../dep" }\n';
    const devDeps = '[dev-dependencies]\ndep = { path = "../dep", features = ["extra"] }\n';
    write('app/Cargo.toml', `${PACKAGE('app')}\n${deps}\n${devDeps}`);
    // The library reads `dep` first, without `extra`; the test needs it with.
    write('app/src/lib.rs', 'pub struct Lib(pub dep::Plain);\n');
    write('app/tests/t.rs', 'pub struct Holder(dep::Counted);\n');
  });
  assert.equal(verdicts.get('Lib'), 'yes');
  assert.equal(verdicts.get('Holder'), 'no');
});

test('a dependency is read with the features its whole build asks of it, not only what the crate reaching it asks', () => {
  const verdicts = sendVerdicts('rss-unified-features-', 'app', (write) => {
    // futures' shape: the facade re-exports `chan` asking only `alloc`; `util` asks it for `std`.
    write('chan/Cargo.toml', `${PACKAGE('chan')}\n[features]\nstd = ["alloc"]\nalloc = []\nrc = []\n`);
    write(
      'chan/src/lib.rs',
      [
        '#[cfg(feature = "std")]',
        'pub mod mpsc {',
        '    pub struct Sender(pub std::sync::Arc<u8>, #[cfg(feature = "rc")] pub std::rc::Rc<u8>);',
        '}',
      ].join('\n'),
    );
    write(
      'util/Cargo.toml',
      `${PACKAGE('util')}\n[dependencies]\nchan = { path = "../chan", features = ["std"], optional = true }\n[features]\nchannel = ["chan"]\n`,
    );
    write('util/src/lib.rs', 'pub struct Util;\n');
    // An optional dependency no feature turns on asks nothing: `unused` would ask `chan` for `rc`.
    write(
      'unused/Cargo.toml',
      `${PACKAGE('unused')}\n[dependencies]\nchan = { path = "../chan", features = ["rc"] }\n`,
    );
    write('unused/src/lib.rs', '');
    write(
      'facade/Cargo.toml',
      `${PACKAGE('facade')}\n[dependencies]\nchan = { path = "../chan", features = ["alloc"] }\nutil = { path = "../util", features = ["channel"] }\nunused = { path = "../unused", optional = true }\n`,
    );
    write('facade/src/lib.rs', 'pub use chan as channel;\n');
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\nfacade = { path = "../facade" }\n`);
    write('app/src/lib.rs', 'pub struct Handle(pub facade::channel::mpsc::Sender);\n');
  });
  assert.equal(verdicts.get('Handle'), 'yes');
});

test("a crate's macro that writes types is expanded where it is called, in another module; not in a crate its build leaves out", () => {
  const endian = [
    'macro_rules! define_endian {',
    '    ($endian:ident) => {',
    '        pub struct $endian<T>(T);',
    '    };',
    '}',
    '',
  ].join('\n');
  const verdicts = sendVerdicts('rss-expanded-', 'app', (write) => {
    write('app/Cargo.toml', PACKAGE('app'));
    // The macro in one file, its calls in another module: the project reads the call's tokens
    // from the file's text (its tree has item macros' bodies blanked).
    write(
      'app/src/lib.rs',
      `#[macro_use]\nmod macros;\npub mod words;\npub struct Key(pub words::LittleEndian<u32>);\n`,
    );
    write('app/src/macros.rs', endian);
    write(
      'app/src/words.rs',
      'define_endian!(BigEndian);\ndefine_endian!(LittleEndian);\npub struct Shared(pub BigEndian<std::rc::Rc<u8>>);\n',
    );
  });
  assert.equal(verdicts.get('Key'), 'yes');
  assert.equal(verdicts.get('words::Shared'), 'no');
  assert.equal(verdicts.get('words::BigEndian'), 'conditional');
  // winapi's shape: the whole crate is for another OS; its calls are left unexpanded.
  const other = sendVerdicts('rss-expanded-off-', 'app', (write) => {
    write('app/Cargo.toml', PACKAGE('app'));
    write(
      'app/src/lib.rs',
      `#![cfg(windows)]\n${endian}define_endian!(BigEndian);\npub struct Key(pub BigEndian<u32>);\n`,
    );
  });
  assert.equal(other.get('BigEndian'), undefined);
  assert.equal(other.get('Key'), 'unknown');
});

test("a dependency's exported macro that writes types is expanded where the crate calls it, by path or imported, `$crate` naming the dependency", () => {
  const verdicts = sendVerdicts('rss-dep-macro-', 'app', (write) => {
    write('keys/Cargo.toml', PACKAGE('keys'));
    write(
      'keys/src/lib.rs',
      [
        '#[macro_export]',
        'macro_rules! new_key {',
        '    ( $(#[$outer:meta])* $vis:vis struct $name:ident; ) => {',
        '        $(#[$outer])*',
        '        $vis struct $name($crate::KeyData);',
        '    };',
        '}',
        '#[macro_export]',
        'macro_rules! shared_handle {',
        '    ( $vis:vis struct $name:ident; ) => {',
        '        $vis struct $name($crate::Shared);',
        '    };',
        '}',
        'pub struct KeyData {',
        '    pub idx: u32,',
        '}',
        'pub struct Shared(pub std::rc::Rc<u8>);',
        '',
      ].join('\n'),
    );
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\nkeys = { path = "../keys" }\n`);
    write(
      'app/src/lib.rs',
      [
        'keys::new_key! {',
        '    /// A node.',
        '    pub struct NodeKey;',
        '}',
        'use keys::shared_handle;',
        'shared_handle! { pub struct Handle; }',
        // The crate's own `KeyData` is not the one `$crate::KeyData` names.
        'pub struct KeyData(pub std::rc::Rc<u8>);',
        'pub struct Graph {',
        '    pub first: NodeKey,',
        '}',
        '',
      ].join('\n'),
    );
  });
  // Before, neither type was declared: `NodeKey` and `Handle` were missing, `Graph` unknown.
  assert.equal(verdicts.get('NodeKey'), 'yes');
  assert.equal(verdicts.get('Handle'), 'no');
  assert.equal(verdicts.get('Graph'), 'yes');
});

test("a macro that only calls another by `$crate::` path (glib's `wrapper!`) is expanded through it, in its crate and in a crate calling it", () => {
  const verdicts = sendVerdicts('rss-forwarding-macro-', 'app', (write) => {
    write('gobj/Cargo.toml', PACKAGE('gobj'));
    write(
      'gobj/src/lib.rs',
      [
        '#[macro_export]',
        'macro_rules! wrapper {',
        '    ($(#[$attr:meta])* pub struct $name:ident(Object<$ffi:ty>);) => {',
        '        $crate::object_wrapper!([$($attr)*] $name, $ffi);',
        '    };',
        '    ($(#[$attr:meta])* pub struct $name:ident(Object<$ffi:ty, $class:ty>) @implements $($i:path),+;) => {',
        '        $crate::object_wrapper!([$($attr)*] $name, $ffi);',
        '    };',
        '}',
        '#[macro_export]',
        'macro_rules! object_wrapper {',
        '    ([$($attr:meta)*] $name:ident, $ffi:ty) => {',
        '        $(#[$attr])*',
        '        pub struct $name($crate::ObjectRef, std::marker::PhantomData<$ffi>);',
        '    };',
        '}',
        'pub struct ObjectRef(std::ptr::NonNull<u8>);',
        'wrapper! { pub struct Object(Object<u8>); }',
        '',
      ].join('\n'),
    );
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\ngobj = { path = "../gobj" }\n`);
    write(
      'app/src/lib.rs',
      [
        'pub mod ffi {',
        '    pub struct GtkWidget(pub u8);',
        '    pub struct GtkWidgetClass(pub u8);',
        '}',
        'pub trait Buildable {}',
        'gobj::wrapper! {',
        '    #[doc(alias = "GtkWidget")]',
        '    pub struct Widget(Object<ffi::GtkWidget, ffi::GtkWidgetClass>) @implements Buildable;',
        '}',
        'pub struct Holder(pub gobj::Object);',
        // The crate's own `ObjectRef` is not the one `$crate::ObjectRef` names.
        'pub struct ObjectRef(pub u8);',
        '',
      ].join('\n'),
    );
  });
  // Before, neither `wrapper!` call was expanded: `Widget` was missing and `Holder` unknown.
  assert.equal(verdicts.get('Widget'), 'no');
  assert.equal(verdicts.get('Holder'), 'no');
});

test('a test crate a `#![cfg(..)]` at its top leaves out is analysed with every feature on, its modules too', () => {
  const verdicts = sendVerdicts('rss-leading-cfg-', 'app', (write) => {
    write('app/Cargo.toml', `${PACKAGE('app')}\n[features]\nfull = []\n`);
    write('app/src/lib.rs', '#[cfg(feature = "full")]\npub struct Gated(pub std::rc::Rc<u8>);\n');
    // Built only with `full`: read in a default build, `app::Gated` would not be there.
    write('app/tests/t.rs', '#![cfg(feature = "full")]\nmod support;\npub struct Holder(app::Gated);\n');
    // A module of that test (tokio's tests/support/mpsc_stream.rs): its own top says nothing.
    write('app/tests/support/mod.rs', 'pub struct Held(pub app::Gated);\n');
  });
  assert.equal(verdicts.get('Holder'), 'no');
  assert.equal(verdicts.get('support::Held'), 'no');
});

test("a future awaiting tokio's lock is read from what the lock needs, not from tokio's internals", () => {
  const { dir, write } = scratch('rss-known-futures-');
  try {
    // A stand-in for tokio: the lock's body is beyond the analysis, as tokio's own is.
    write('tokio/Cargo.toml', PACKAGE('tokio'));
    write('tokio/src/lib.rs', 'pub mod sync {\n    mod mutex;\n    pub use mutex::{Mutex, MutexGuard};\n}\n');
    write(
      'tokio/src/sync/mutex.rs',
      [
        'pub struct Mutex<T> {',
        '    c: std::cell::UnsafeCell<T>,',
        '}',
        'unsafe impl<T: Send> Sync for Mutex<T> {}',
        "pub struct MutexGuard<'a, T> {",
        "    lock: &'a Mutex<T>,",
        '}',
        'impl<T> Mutex<T> {',
        "    pub async fn lock(&self) -> MutexGuard<'_, T> {",
        '        hidden::acquire(self).await',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\ntokio = { path = "../tokio" }\n`);
    write(
      'app/src/lib.rs',
      [
        'use std::rc::Rc;',
        'use std::sync::Arc;',
        'use tokio::sync::Mutex;',
        'pub async fn plain(m: Arc<Mutex<u8>>) {',
        '    let g = m.lock().await;',
        '    drop(g);',
        '}',
        'pub async fn counted(m: Arc<Mutex<Rc<u8>>>) {',
        '    let g = m.lock().await;',
        '    drop(g);',
        '}',
        '',
      ].join('\n'),
    );
    const { verdict, stdout } = futureVerdicts('app', dir);
    assert.equal(verdict('plain'), 'yes', stdout);
    assert.equal(verdict('counted'), 'no', stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a statement under a `#[cfg(feature)]` the crate's build leaves out is not there; the one it keeps is", () => {
  const { dir, write } = scratch('rss-statement-cfg-');
  try {
    write('app/Cargo.toml', `${PACKAGE('app')}\n[features]\ntracing = []\n`);
    write(
      'app/src/lib.rs',
      [
        'pub async fn tick() {}',
        // tokio's shape: one `let` per build. Read together, the `Rc` would be held (shadowed).
        'pub async fn chosen() {',
        '    #[cfg(feature = "tracing")]',
        '    let held = std::rc::Rc::new(1u8);',
        '    #[cfg(not(feature = "tracing"))]',
        '    let held = 1u8;',
        '    tick().await;',
        '    let _ = &held;',
        '}',
        '',
      ].join('\n'),
    );
    const { verdict, stdout } = futureVerdicts('app', dir);
    assert.equal(verdict('chosen'), 'yes', stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a name a build script may define two ways is unknown, unless both ways agree on Send and Sync or the flag is for another package', () => {
  const { dir, write } = scratch('rss-cfg-twins-');
  try {
    write('app/Cargo.toml', PACKAGE('app'));
    // `threadsafe` may be set (an `if` this analysis does not decide); `shared` is set only in a
    // `match` arm for another package (im and im-rc's shared script), so it is off for `app`.
    write(
      'app/build.rs',
      [
        'fn main() {',
        '    let name = std::env::var("CARGO_PKG_NAME").unwrap();',
        '    if name == "im" {',
        '        println!("cargo:rustc-cfg=threadsafe");',
        '    }',
        '    match name.as_str() {',
        '        "app-sync" => {',
        '            println!("cargo:rustc-cfg=shared");',
        '        }',
        '        _ => {}',
        '    }',
        '    println!("cargo:rustc-cfg=limb64");',
        '}',
        '',
      ].join('\n'),
    );
    write(
      'app/src/lib.rs',
      [
        'mod util {',
        '    #[cfg(threadsafe)]',
        '    pub(crate) type Ref<A> = std::sync::Arc<A>;',
        '    #[cfg(not(threadsafe))]',
        '    pub(crate) type Ref<A> = std::rc::Rc<A>;',
        '    #[cfg(limb64)]',
        '    pub type Limb = u64;',
        '    #[cfg(not(limb64))]',
        '    pub type Limb = u32;',
        '    #[cfg(limb64)]',
        '    pub use std::sync::atomic::AtomicU64 as Counter;',
        '    #[cfg(not(limb64))]',
        '    pub use std::sync::atomic::AtomicU32 as Counter;',
        '    #[cfg(shared)]',
        '    pub type Slot = std::sync::Arc<u8>;',
        '    #[cfg(not(shared))]',
        '    pub type Slot = std::rc::Rc<u8>;',
        '}',
        'use util::*;',
        'pub struct Focus<A> {',
        '    tree: Ref<A>,',
        '}',
        '#[cfg(threadsafe)]',
        '// SAFETY: `Ref` is an `Arc` wherever this impl is compiled.',
        'unsafe impl<A: Send + Sync> Send for Focus<A> {}',
        'pub struct Big {',
        '    data: Vec<Limb>,',
        '    count: Counter,',
        '}',
        'pub struct Slotted {',
        '    slot: Slot,',
        '}',
        'pub struct Shared {',
        '    rc: std::rc::Rc<u8>,',
        '}',
        // log's shape: a stand-in type and its impl under the same flag are there together.
        '#[cfg(not(limb64))]',
        'pub struct Stand {',
        '    v: std::cell::Cell<usize>,',
        '}',
        '#[cfg(not(limb64))]',
        '// SAFETY: built only for targets without threads.',
        'unsafe impl Sync for Stand {}',
        '',
      ].join('\n'),
    );
    const run = cli(['check', '--format', 'json', 'app'], dir);
    const out = JSON.parse(run.stdout) as {
      types: { name: string; send: { status: string }; sync: { status: string } }[];
      diagnostics: { message: string }[];
    };
    const verdict = (name: string) => {
      const t = out.types.find((x) => x.name === name);
      return `${t?.send.status} ${t?.sync.status}`;
    };
    assert.equal(verdict('Focus'), 'unknown unknown', run.stdout);
    assert.equal(verdict('Big'), 'yes yes', run.stdout);
    assert.equal(verdict('Shared'), 'no no', run.stdout);
    assert.equal(verdict('Slotted'), 'no no', run.stdout);
    assert.equal(verdict('Stand'), 'yes yes', run.stdout);
    const onFocus = out.diagnostics.filter((d) => d.message.includes('Focus'));
    assert.deepEqual(onFocus, [], "an impl is not judged by the other build's alias");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// web-sys's shape: `mod features` glob-imports each of its modules, and each glob-imports it back.
// Each search of a name went down every path through the cycle: at 10 modules a check took 40 s.
test(
  'names resolve through modules that glob-import each other in a cycle, in time linear in the modules',
  { timeout: 60_000 },
  () => {
    const { dir, write } = scratch('rss-glob-cycle-');
    try {
      const count = 16;
      write('app/Cargo.toml', PACKAGE('app'));
      write('app/src/lib.rs', 'mod features;\npub use features::*;\n');
      const mods: string[] = [];
      for (let i = 1; i <= count; i++) {
        mods.push(`mod gen_${i};`, `pub use gen_${i}::*;`);
        const held = i === 1 ? 'std::rc::Rc<u8>' : `Item${i - 1}`;
        write(
          `app/src/features/gen_${i}.rs`,
          `use super::*;\npub struct Item${i} {\n    prev: ${held},\n}\npub struct Lost${i} {\n    x: Missing${i},\n}\n`,
        );
      }
      write('app/src/features/mod.rs', `${mods.join('\n')}\n`);
      const run = cli(['check', '--format', 'json', 'app'], dir);
      const out = JSON.parse(run.stdout) as { types: { name: string; send: { status: string } }[] };
      const send = (name: string) => out.types.find((t) => t.name === name)?.send.status;
      assert.equal(send(`Item${count}`), 'no', run.stdout);
      assert.equal(send(`Lost${count}`), 'unknown', run.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("a trait's default async fns under #[async_trait] hold a Send self; under #[async_trait(?Send)] it is not known", () => {
  const { dir, write } = scratch('rss-async-trait-');
  try {
    write('app/Cargo.toml', PACKAGE('app'));
    // The macro boxes each future as `dyn Future + Send`, bounding `Self: Sync` for `&self`.
    write(
      'app/src/lib.rs',
      [
        'use async_trait::async_trait;',
        'pub async fn tick() {}',
        '#[async_trait]',
        'pub trait Store {',
        '    async fn refresh(&self) {',
        '        tick().await;',
        '        let _ = &self;',
        '    }',
        '    async fn reset(&mut self) {',
        '        tick().await;',
        '    }',
        '}',
        '#[async_trait(?Send)]',
        'pub trait LocalStore {',
        '    async fn refresh_local(&self) {',
        '        tick().await;',
        '        let _ = &self;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const { verdict, stdout } = futureVerdicts('app', dir);
    assert.equal(verdict('refresh'), 'yes', stdout);
    assert.equal(verdict('reset'), 'yes', stdout);
    assert.equal(verdict('refresh_local'), 'unknown', stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a call of an #[async_trait] method gives a boxed Send future whose output is its written result; not under ?Send', () => {
  expectFutureVerdicts(
    'rss-async-trait-calls-',
    {
      'app/Cargo.toml': [PACKAGE('app')],
      // A generic receiver calls the trait's declaration, which has no body to walk.
      'app/src/lib.rs': [
        'use async_trait::async_trait;',
        'use std::rc::Rc;',
        'pub async fn tick() {}',
        '#[async_trait]',
        'pub trait Handler {',
        '    async fn handle(&self) -> u8;',
        '    async fn make(&self) -> Rc<u8>;',
        '}',
        '#[async_trait(?Send)]',
        'pub trait LocalHandler {',
        '    async fn handle_local(&self) -> u8;',
        '}',
        'pub async fn serve<H: Handler + Sync>(h: &H) {',
        '    let n = h.handle().await;',
        '    tick().await;',
        '    let _ = n;',
        '}',
        'pub async fn serve_rc<H: Handler + Sync>(h: &H) {',
        '    let r = h.make().await;',
        '    tick().await;',
        '    drop(r);',
        '}',
        'pub async fn serve_local<H: LocalHandler + Sync>(h: &H) {',
        '    let n = h.handle_local().await;',
        '    tick().await;',
        '    let _ = n;',
        '}',
        '',
      ],
    },
    // `h: &H` asks `H: Sync` (bounded here, as the verdict states it); the awaited futures add nothing.
    { serve: 'conditional', serve_rc: 'no', serve_local: 'unknown' },
  );
});

test('tokio::select! is read branch by branch: its futures held across its await, each handler after it', () => {
  expectFutureVerdicts(
    'rss-select-',
    {
      // A stand-in for tokio: the engine reads `select!` by its syntax, not by its expansion (rustc
      // judges the same programs against the real tokio in `npm run compare:tokio`).
      'tokio/Cargo.toml': [PACKAGE('tokio')],
      'tokio/src/lib.rs': [
        '#[macro_export]',
        'macro_rules! select { ($($t:tt)*) => { todo!() } }',
        'pub mod sync {',
        '    pub struct Receiver<T>(Option<T>);',
        '    impl<T> Receiver<T> {',
        '        pub async fn recv(&mut self) -> Option<T> {',
        '            self.0.take()',
        '        }',
        '    }',
        '}',
        'pub async fn yield_now() {}',
        '',
      ],
      'app/Cargo.toml': [`${PACKAGE('app')}\n[dependencies]\ntokio = { path = "../tokio" }\n`],
      'app/src/lib.rs': [
        'use std::rc::Rc;',
        'use tokio::sync::Receiver;',
        'pub async fn first(mut a: Receiver<u32>, mut b: Receiver<u32>) -> Option<u32> {',
        '    tokio::select! {',
        '        v = a.recv() => v,',
        '        v = b.recv(), if true => v,',
        '    }',
        '}',
        'pub async fn rc_held(mut a: Receiver<u32>) {',
        '    let shared = Rc::new(1);',
        '    tokio::select! {',
        '        _ = a.recv() => {}',
        '        else => {}',
        '    }',
        '    drop(shared);',
        '}',
        'pub async fn rc_in_handler(mut a: Receiver<u32>) -> u32 {',
        '    tokio::select! {',
        '        Some(v) = a.recv() => { let shared = Rc::new(v); *shared }',
        '        else => 0,',
        '    }',
        '}',
        'pub async fn handler_awaits_with_rc(mut a: Receiver<u32>) {',
        '    tokio::select! {',
        '        Some(v) = a.recv() => {',
        '            let shared = Rc::new(v);',
        '            tokio::yield_now().await;',
        '            drop(shared);',
        '        }',
        '        else => {}',
        '    }',
        '}',
        'async fn local_work() -> u32 {',
        '    let shared = Rc::new(1);',
        '    tokio::yield_now().await;',
        '    *shared',
        '}',
        'pub async fn branch_not_send(mut a: Receiver<u32>) -> u32 {',
        '    tokio::select! {',
        '        Some(v) = a.recv() => v,',
        '        v = local_work() => v,',
        '    }',
        '}',
        '',
      ],
    },
    { first: 'yes', rc_held: 'no', rc_in_handler: 'yes', handler_awaits_with_rc: 'no', branch_not_send: 'no' },
  );
});

test("a method of a type's trait impl in another file of the crate types the call; two impls of that name leave it unknown", () => {
  expectFutureVerdicts(
    'rss-trait-impl-methods-',
    {
      'app/Cargo.toml': [PACKAGE('app')],
      'app/src/lib.rs': [
        'pub mod items;',
        'use items::{Counter, Level, Meter};',
        'pub async fn tick() {}',
        'pub async fn holds_next() {',
        '    let mut c = Counter { n: 0 };',
        '    let item = c.next();',
        '    tick().await;',
        '    drop(item);',
        '}',
        'pub async fn holds_level() {',
        '    let level = Level::from(3u8);',
        '    tick().await;',
        '    drop(level);',
        '}',
        'pub async fn holds_sum() {',
        '    use std::ops::Add;',
        '    let sum = Meter(1).add(2u16);',
        '    tick().await;',
        '    drop(sum);',
        '}',
        '',
      ],
      'app/src/items.rs': [
        'use std::rc::Rc;',
        'pub struct Counter { pub n: u32 }',
        'impl Iterator for Counter {',
        '    type Item = Rc<u32>;',
        '    fn next(&mut self) -> Option<Self::Item> { None }',
        '}',
        'pub struct Level(pub u8);',
        'impl From<u8> for Level {',
        '    fn from(n: u8) -> Self { Level(n) }',
        '}',
        '// Two impls write `add`: which one a call takes depends on its argument.',
        'pub struct Meter(pub u32);',
        'impl std::ops::Add<u8> for Meter {',
        '    type Output = Rc<u32>;',
        '    fn add(self, n: u8) -> Rc<u32> { Rc::new(self.0 + n as u32) }',
        '}',
        'impl std::ops::Add<u16> for Meter {',
        '    type Output = u32;',
        '    fn add(self, n: u16) -> u32 { self.0 + n as u32 }',
        '}',
        '',
      ],
    },
    { holds_next: 'no', holds_level: 'yes', holds_sum: 'unknown' },
  );
});

test("a dependency's extension trait types the calls of its methods; a deref to an inherent one of that name does not", () => {
  const { dir, write } = scratch('rss-trait-methods-');
  try {
    // A stand-in for tokio's `AsyncReadExt`: a provided method whose future holds `&mut Self`.
    write('ext/Cargo.toml', PACKAGE('ext'));
    write(
      'ext/src/lib.rs',
      [
        'use std::future::Future;',
        'use std::pin::Pin;',
        'use std::task::{Context, Poll};',
        "pub struct Fetch<'a, R: ?Sized> {",
        "    src: &'a mut R,",
        '}',
        "impl<R: ?Sized> Future for Fetch<'_, R> {",
        '    type Output = u8;',
        "    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {",
        '        Poll::Ready(0)',
        '    }',
        '}',
        'pub trait FetchExt {',
        "    fn fetch(&mut self) -> Fetch<'_, Self> {",
        '        Fetch { src: self }',
        '    }',
        '}',
        'impl<R> FetchExt for R {}',
        // A prelude that re-exports the trait under no name (futures-lite's `pub use .. as _`).
        'pub mod prelude {',
        '    pub use crate::FetchExt as _;',
        '}',
        '',
      ].join('\n'),
    );
    write('app/Cargo.toml', `${PACKAGE('app')}\n[dependencies]\next = { path = "../ext" }\n`);
    write(
      'app/src/lib.rs',
      [
        'use ext::FetchExt;',
        'pub async fn tick() {}',
        'pub struct Plain(pub u8);',
        'pub struct Local(pub std::rc::Rc<u8>);',
        'pub async fn plain(p: &mut Plain) {',
        '    p.fetch().await;',
        '}',
        'pub async fn local() {',
        '    let mut l = Local(std::rc::Rc::new(1));',
        '    let f = l.fetch();',
        '    tick().await;',
        '    f.await;',
        '}',
        // What `fetch` rustc calls on an `Outer` depends on impls this analysis does not read.
        'pub struct Inner(pub u8);',
        'impl Inner {',
        '    pub fn fetch(&mut self) -> std::rc::Rc<u8> {',
        '        std::rc::Rc::new(self.0)',
        '    }',
        '}',
        'pub struct Outer(pub Inner);',
        'impl std::ops::Deref for Outer {',
        '    type Target = Inner;',
        '    fn deref(&self) -> &Inner {',
        '        &self.0',
        '    }',
        '}',
        'impl std::ops::DerefMut for Outer {',
        '    fn deref_mut(&mut self) -> &mut Inner {',
        '        &mut self.0',
        '    }',
        '}',
        'pub async fn shadowed(mut o: Outer) {',
        '    let f = o.fetch();',
        '    tick().await;',
        '    drop(f);',
        '}',
        // The trait through the dependency's prelude, by a glob.
        'pub mod through_prelude {',
        '    use ext::prelude::*;',
        '    pub async fn plain_too() {',
        '        let mut p = super::Plain(1);',
        '        let f = p.fetch();',
        '        super::tick().await;',
        '        f.await;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const { verdict, stdout } = futureVerdicts('app', dir);
    assert.equal(verdict('plain'), 'yes', stdout);
    assert.equal(verdict('local'), 'no', stdout);
    assert.equal(verdict('shadowed'), 'unknown', stdout);
    assert.equal(verdict('plain_too'), 'yes', stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report lists every type of the crate in markdown, grouped by file, with verdicts', () => {
  const run = cli(['report', '.'], join(CRATES, 'app'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^# Send\/Sync report: \./m);
  assert.match(run.stdout, /^## src\/worker\/job\.rs$/m);
  assert.match(run.stdout, /^\| `struct worker::job::Job` \(line 3\) \| ✓ \| ✗ \| .*`Cell` is never `Sync`/m);
  assert.match(run.stdout, /^\| `struct Featured` \(line \d+\) \| ✓ \| ✓ \|/m);
  assert.doesNotMatch(run.stdout, /vendor/, 'dependencies are read, not reported');
});

test('report --format json gives verdicts and conditions per type', () => {
  const run = cli(['report', '--format', 'json', join('..', 'helper')], join(CRATES, 'app'));
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as {
    types: { file: string; path: string; sync: { status: string; requires: string[] } }[];
  };
  assert.deepEqual(
    out.types.map((t) => [t.file, t.path]),
    [[join('..', 'helper', 'src', 'queue.rs'), 'queue::Queue']],
  );
  assert.deepEqual(out.types[0].sync, { ...out.types[0].sync, status: 'conditional', requires: ['T: Send'] });
});

test('report with a bad option or no path is a usage error', () => {
  assert.equal(cli(['report'], CRATES).status, 2);
  assert.equal(cli(['report', '--format', 'sarif', '.'], CRATES).status, 2);
});

test('--all-features reads the code behind every feature: a type and a field appear', () => {
  const verdicts = (args: string[]) => {
    const run = cli(['check', '--format', 'json', ...args, 'src/lib.rs'], join(CRATES, 'app'));
    const out = JSON.parse(run.stdout) as { types: { path: string; send: { status: string } }[] };
    return new Map(out.types.map((t) => [t.path, t.send.status]));
  };
  const byDefault = verdicts([]);
  const all = verdicts(['--all-features']);
  // `Slow` exists only with the `slow` feature; `Featured` gains its `Rc` field with it.
  assert.equal(byDefault.has('Slow'), false);
  assert.equal(byDefault.get('Featured'), 'yes');
  assert.equal(all.get('Slow'), 'no');
  assert.equal(all.get('Featured'), 'no');
});

interface Out {
  types: { file: string; path: string; send: unknown; sync: unknown }[];
}

test('check gives a file of a module behind an off feature the verdicts it has with --all-features', () => {
  const off = cli(['check', '--format', 'json', '.'], join(CRATES, 'gated'));
  const on = cli(['check', '--format', 'json', '--all-features', '.'], join(CRATES, 'gated'));
  assert.equal(off.stderr, '');
  const [a, b] = [JSON.parse(off.stdout) as Out, JSON.parse(on.stdout) as Out];
  const guarded = a.types.find((t) => t.path === 'sync::rwlock::Guarded');
  assert.ok(guarded, off.stdout);
  assert.equal(guarded.file, join('src', 'sync', 'rwlock.rs'));
  assert.deepEqual(a.types, b.types);
});

test("check reads what item macros' bodies declare (left out of the files' own trees)", () => {
  const { dir, write } = scratch('rss-cli-macros-');
  try {
    write('Cargo.toml', PACKAGE('macros'));
    write(
      'src/lib.rs',
      [
        'macro_rules! cfg_rt { ($($item:item)*) => { $($item)* } }',
        'macro_rules! cfg_if {',
        '    (if #[cfg($c:meta)] { $($a:item)* } else { $($b:item)* }) => {',
        '        #[cfg($c)] cfg_rt! { $($a)* }',
        '        #[cfg(not($c))] cfg_rt! { $($b)* }',
        '    };',
        '}',
        'cfg_rt! {',
        '    pub struct Inside(std::rc::Rc<u8>);',
        '    pub async fn hold(inside: Inside) -> u8 { std::future::ready(()).await; *inside.0 }',
        '}',
        'cfg_if! {',
        '    if #[cfg(unix)] { pub struct Platform(std::cell::Cell<u8>); }',
        '    else { pub struct Platform(std::rc::Rc<u8>); }',
        '}',
        'mod inner {',
        '    cfg_rt! { pub struct Ptr(*mut u8); unsafe impl Send for Ptr {} }',
        '}',
        // Impls in item macros' bodies: their async methods are futures of the file too.
        'cfg_rt! {',
        '    impl Inside { pub async fn peek(&self) -> u8 { std::future::ready(()).await; *self.0 } }',
        '}',
        'cfg_if! {',
        '    if #[cfg(unix)] { impl Platform { pub async fn fresh() -> u8 { std::future::ready(()).await; 1 } } }',
        '    else { impl Platform { pub async fn other() {} } }',
        '}',
      ].join('\n'),
    );
    const run = cli(['check', '--format', 'json', '.'], dir);
    const out = JSON.parse(run.stdout) as {
      types: { path: string; send: { status: string }; sync: { status: string } }[];
      futures: { name: string; send: { status: string } }[];
      diagnostics: { codes: string[]; line: number }[];
    };
    const verdicts = Object.fromEntries(out.types.map((t) => [t.path, `${t.send.status}/${t.sync.status}`]));
    assert.deepEqual(verdicts, { Inside: 'no/no', Platform: 'yes/no', 'inner::Ptr': 'yes/no' });
    assert.deepEqual(
      out.futures.map((f) => [f.name, f.send.status]),
      [
        ['hold', 'no'],
        ['peek', 'no'],
        ['fresh', 'yes'],
      ],
    );
    // The impl in the macro's body lacks its SAFETY comment.
    assert.ok(
      out.diagnostics.some((d) => d.codes.includes('missing-safety-comment') && d.line === 17),
      run.stdout,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an item macro that hands its items to another gives them both macros' #[cfg]s, as rustc does", () => {
  // `cfg_extra_and_unix!` puts `#[cfg(unix)]` on a call of `cfg_extra!`, which puts
  // `#[cfg(feature = "extra")]` on each item (tokio's `cfg_signal_internal_and_unix!`): without
  // the feature, the first `mod imp` is not compiled and `Handle` is the `u8` one.
  const { dir, write } = scratch('rss-cli-nested-cfg-');
  try {
    write('Cargo.toml', `${PACKAGE('nested')}\n[features]\ndefault = []\nextra = []\n`);
    const lib = [
      'macro_rules! cfg_extra { ($($item:item)*) => { $( #[cfg(feature = "extra")] $item )* } }',
      'macro_rules! cfg_not_extra { ($($item:item)*) => { $( #[cfg(not(feature = "extra"))] $item )* } }',
      'macro_rules! cfg_extra_and_unix { ($($item:item)*) => { #[cfg(unix)] cfg_extra! { $($item)* } } }',
      'cfg_extra_and_unix! {',
      '    mod imp { pub struct Handle(pub std::rc::Rc<u8>); }',
      '}',
      'cfg_not_extra! {',
      '    mod imp { pub struct Handle(pub u8); }',
      '}',
      'pub struct Top(pub imp::Handle);',
      'pub fn assert_send_sync() { fn both<T: Send + Sync>() {} both::<Top>(); }',
      '',
    ].join('\n');
    write('src/lib.rs', lib);
    const verdicts = (args: string[]) => {
      const run = cli(['check', '--format', 'json', ...args, '.'], dir);
      const out = JSON.parse(run.stdout) as {
        types: { path: string; send: { status: string }; sync: { status: string } }[];
      };
      return out.types.map((t) => `${t.path} ${t.send.status}/${t.sync.status}`).sort();
    };
    assert.deepEqual(verdicts([]), ['Top yes/yes', 'imp::Handle yes/yes']);
    assert.deepEqual(verdicts(['--all-features']), ['Top no/no', 'imp::Handle no/no']);
    // rustc on a Unix host: the crate compiles as it is, and `Top` is neither Send nor Sync with the feature on.
    const rustc = (cfg: string[]) =>
      spawnSync(
        'rustc',
        [
          '--edition',
          '2021',
          '--crate-type',
          'lib',
          '--emit',
          'metadata',
          '--out-dir',
          dir,
          ...cfg,
          join(dir, 'src', 'lib.rs'),
        ],
        {
          encoding: 'utf8',
        },
      );
    const plain = rustc([]);
    if (plain.error || process.platform === 'win32') return; // no rustc, or not a Unix host
    assert.equal(plain.status, 0, plain.stderr);
    const extra = rustc(['--cfg', 'feature="extra"']);
    assert.notEqual(extra.status, 0);
    assert.match(extra.stderr, /`Rc<u8>` cannot be (sent|shared) between threads safely/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a method of a supertrait of a parameter's bound, declared in another file, types the call (async-net's to_socket_addrs)", () => {
  expectFutureVerdicts(
    'rss-supertrait-',
    {
      'app/Cargo.toml': [PACKAGE('app')],
      'app/src/addr.rs': [
        'use std::future::Future;',
        'use std::pin::Pin;',
        'use std::task::{Context, Poll};',
        'pub trait ToAddrs: Sealed {}',
        'pub trait Sealed {',
        '    type Iter;',
        '    fn to_addrs(&self) -> Resolving<Self::Iter>;',
        '}',
        'pub struct Resolving<I>(pub Option<I>);',
        'impl<I> Unpin for Resolving<I> {}',
        'impl<I> Future for Resolving<I> {',
        '    type Output = I;',
        "    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<I> {",
        '        Poll::Ready(self.get_mut().0.take().unwrap())',
        '    }',
        '}',
        '',
      ],
      'app/src/lib.rs': [
        'mod addr;',
        'pub use addr::ToAddrs;',
        'async fn pause() {}',
        'pub async fn resolve<A: ToAddrs>(addr: A) -> usize {',
        '    let found = addr.to_addrs().await;',
        '    pause().await;',
        '    drop(found);',
        '    0',
        '}',
        '',
      ],
    },
    // `A: Send` and `<A as Sealed>::Iter: Send`; before, the call was not typed: `unknown`.
    { resolve: 'conditional' },
  );
});

test("a closure passed to a fn of another module takes its parameters' types from that fn's Fn bound (reqwest's tests' server::http)", () => {
  expectFutureVerdicts(
    'rss-closure-bound-',
    {
      'app/Cargo.toml': [PACKAGE('app')],
      'app/src/lib.rs': ['pub struct Request {', '    pub id: u32,', '}', ''],
      'app/tests/support/mod.rs': ['pub mod server;', ''],
      'app/tests/support/server.rs': [
        'use std::future::Future;',
        'pub struct Shared(pub std::rc::Rc<u8>);',
        'pub fn http<F, Fut>(func: F) -> F',
        'where',
        '    F: Fn(app::Request) -> Fut,',
        '    Fut: Future<Output = ()>,',
        '{',
        '    func',
        '}',
        'pub fn local<F: Fn(Shared) -> Fut, Fut: Future<Output = ()>>(func: F) -> F {',
        '    func',
        '}',
        '',
      ],
      'app/tests/client.rs': [
        'mod support;',
        'use support::*;',
        'async fn pause() {}',
        'pub fn plain() {',
        '    let _ = server::http(move |req| async move {',
        '        pause().await;',
        '        drop(req);',
        '    });',
        '}',
        'pub fn shared() {',
        '    let _ = server::local(|s| async move {',
        '        pause().await;',
        '        drop(s);',
        '    });',
        '}',
        '',
      ],
    },
    // Before, each closure's parameter was not typed: both `unknown`.
    { plain: 'yes', shared: 'no' },
  );
});
