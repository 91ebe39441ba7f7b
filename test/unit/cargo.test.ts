// Reading Cargo's files without cargo: the TOML subset, manifests (renames, paths, targets,
// features), version requirements, and the locked version chosen among sources on disk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  pathFrom,
  admits,
  enabledFeatures,
  findPackageSource,
  readManifest,
  unifiedFeatures,
  type FileSystem,
} from '../../server/src/cargo/cargo';
import { parseToml } from '../../server/src/cargo/toml';

function memoryFs(files: Record<string, string>): FileSystem {
  const dirs = new Set<string>();
  for (const f of Object.keys(files))
    for (let d = f.slice(0, f.lastIndexOf('/')); d; d = d.slice(0, Math.max(0, d.lastIndexOf('/')))) dirs.add(d);
  return {
    readFile: (p) => files[p],
    isFile: (p) => p in files,
    isDir: (p) => dirs.has(p),
    listDir: (p) =>
      [
        ...new Set(
          [...Object.keys(files), ...dirs]
            .filter((f) => f.startsWith(`${p}/`))
            .map((f) => f.slice(p.length + 1).split('/')[0]),
        ),
      ].sort(),
  };
}

test('TOML: tables, arrays of tables, dotted keys, inline tables, strings, and keys named like prototype members', () => {
  const t = parseToml(
    [
      '# comment',
      '[package]',
      'name = "demo" # trailing',
      "description = '''multi",
      "line'''",
      'a.b = 1',
      '[dependencies]',
      '__proto__ = "1.0"',
      'serde = { version = "1", features = ["derive"], default-features = false }',
      '[[bin]]',
      'path = "src/a.rs"',
      '[[bin]]',
      'path = "src/b.rs"',
      "[target.'cfg(unix)'.dependencies]",
      'libc = "0.2"',
    ].join('\n'),
  );
  assert.equal((t.package as Record<string, unknown>).name, 'demo');
  assert.equal((t.package as Record<string, unknown>).description, 'multi\nline');
  assert.deepEqual(JSON.parse(JSON.stringify((t.package as Record<string, unknown>).a)), { b: 1 });
  const deps = t.dependencies as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(deps), null);
  assert.equal(deps.__proto__, '1.0');
  assert.deepEqual(JSON.parse(JSON.stringify(deps.serde)), {
    version: '1',
    features: ['derive'],
    'default-features': false,
  });
  assert.deepEqual(
    (t.bin as Record<string, unknown>[]).map((b) => b.path),
    ['src/a.rs', 'src/b.rs'],
  );
});

test('a manifest: renamed and path dependencies, target dependencies, roots and features', () => {
  const fs = memoryFs({
    '/p/Cargo.toml': [
      '[package]',
      'name = "my-app"',
      '[lib]',
      'path = "lib/root.rs"',
      '[dependencies]',
      'net = { package = "fetched", version = "1.2" }',
      'local = { path = "../local" }',
      "[target.'cfg(unix)'.dependencies]",
      'libc = "0.2"',
      '[features]',
      'default = ["fast"]',
      'fast = ["net/async", "extra"]',
      'extra = []',
      'slow = []',
    ].join('\n'),
    '/p/lib/root.rs': '',
    '/p/src/main.rs': '',
    '/p/src/bin/tool.rs': '',
  });
  const m = readManifest(fs, '/p')!;
  assert.equal(m.packageName, 'my-app');
  assert.equal(m.libRoot, '/p/lib/root.rs');
  assert.deepEqual(m.otherRoots, ['/p/src/main.rs', '/p/src/bin/tool.rs']);
  assert.deepEqual(
    m.dependencies.map((d) => [d.name, d.package, d.path, d.version]),
    [
      ['net', 'fetched', undefined, '1.2'],
      ['local', 'local', '/local', undefined],
      ['libc', 'libc', undefined, '0.2'],
    ],
  );
  assert.deepEqual([...enabledFeatures(m, [], true)].sort(), ['default', 'extra', 'fast']);
  assert.deepEqual([...enabledFeatures(m, ['slow'], false)], ['slow']);
});

test('a workspace member inherits dependencies from [workspace.dependencies], paths from the workspace folder', () => {
  const fs = memoryFs({
    '/w/Cargo.toml': [
      '[workspace]',
      'members = ["crates/*"]',
      '[workspace.dependencies]',
      'shared = { path = "crates/shared", features = ["a"] }',
      'net = { package = "fetched", version = "1.2", default-features = false }',
      'libc = "0.2"',
    ].join('\n'),
    '/w/crates/app/Cargo.toml': [
      '[package]',
      'name = "app"',
      '[dependencies]',
      'shared = { workspace = true, features = ["b"] }',
      'net = { workspace = true, optional = true }',
      'libc.workspace = true',
      'own = "3"',
    ].join('\n'),
    '/w/crates/app/src/lib.rs': '',
  });
  const m = readManifest(fs, '/w/crates/app')!;
  assert.deepEqual(
    m.dependencies.map((d) => [d.name, d.package, d.path, d.version, d.features, d.defaultFeatures, d.optional]),
    [
      ['shared', 'shared', '/w/crates/shared', undefined, ['a', 'b'], true, false],
      ['net', 'fetched', undefined, '1.2', [], false, true],
      ['libc', 'libc', undefined, '0.2', [], true, false],
      ['own', 'own', undefined, '3', [], true, false],
    ],
  );
});

test('the edition: 2015 when not written, or inherited from [workspace.package] with edition.workspace; 2018 and before capture whole variables', () => {
  const fs = memoryFs({
    '/w/Cargo.toml': ['[workspace]', 'members = ["*"]', '[workspace.package]', 'edition = "2015"'].join('\n'),
    '/w/old/Cargo.toml': ['[package]', 'name = "old"', 'edition.workspace = true'].join('\n'),
    '/w/plain/Cargo.toml': ['[package]', 'name = "plain"'].join('\n'),
    '/w/new/Cargo.toml': ['[package]', 'name = "new"', 'edition = "2021"'].join('\n'),
    '/w/mid/Cargo.toml': ['[package]', 'name = "mid"', 'edition = "2018"'].join('\n'),
    '/w/next/Cargo.toml': ['[package]', 'name = "next"', 'edition = "2024"'].join('\n'),
    '/v/Cargo.toml': ['[workspace]', '[workspace.package]', 'edition = "2021"'].join('\n'),
    '/v/new/Cargo.toml': ['[package]', 'name = "new"', 'edition = { workspace = true }'].join('\n'),
    '/u/Cargo.toml': ['[workspace]', '[workspace.package]', 'edition = "2018"'].join('\n'),
    '/u/mid/Cargo.toml': ['[package]', 'name = "mid"', 'edition.workspace = true'].join('\n'),
  });
  const dirs = ['/w/old', '/w/plain', '/w/new', '/w/mid', '/w/next', '/v/new', '/u/mid'];
  const editions = dirs.map((d) => readManifest(fs, d)!.edition2015);
  assert.deepEqual(editions, [true, true, false, false, false, false, false]);
  // Before 2021, closures capture whole variables.
  const whole = dirs.map((d) => readManifest(fs, d)!.beforeEdition2021);
  assert.deepEqual(whole, [true, true, false, true, false, false, true]);
});

test('a [[test]], [[bench]] or [[example]] with a path outside tests/, benches/, examples/ is a target', () => {
  const fs = memoryFs({
    '/p/Cargo.toml': ['[package]', 'name = "p"', '[[test]]', 'name = "test"', 'path = "test/test.rs"'].join('\n'),
    '/p/src/lib.rs': '',
    '/p/test/test.rs': '',
    '/p/tests/more.rs': '',
  });
  assert.deepEqual(readManifest(fs, '/p')!.devRoots, ['/p/tests/more.rs', '/p/test/test.rs']);
});

test('a path written in a manifest: relative ones from its folder, absolute ones as written', () => {
  assert.equal(pathFrom('/w/app', '../shared'), '/w/shared');
  assert.equal(pathFrom('/w/app', './src/lib.rs'), '/w/app/src/lib.rs');
  assert.equal(pathFrom('/w/app', '/opt/shared'), '/opt/shared');
  assert.equal(pathFrom('C:/w/app', 'D:/shared'), 'D:/shared');
  assert.equal(pathFrom('C:/w/app', 'D:\\shared'), 'D:\\shared');
});

test('versions: caret requirements, and the locked version picked among the sources on disk', () => {
  assert.ok(admits('1.2', '1.9.0'));
  assert.ok(!admits('1.2', '2.0.0'));
  assert.ok(admits('0.3', '0.3.9'));
  assert.ok(!admits('0.3', '0.4.0'));
  const fs = memoryFs({
    '/reg/fetched-1.0.2/Cargo.toml': '',
    '/reg/fetched-1.4.0/Cargo.toml': '',
    '/reg/fetched-2.0.0/Cargo.toml': '',
    '/reg/fetched-core-1.0.0/Cargo.toml': '',
  });
  assert.equal(findPackageSource(fs, ['/reg'], 'fetched', '1.0', ['1.0.2']), '/reg/fetched-1.0.2');
  assert.equal(findPackageSource(fs, ['/reg'], 'fetched', '1.0', undefined), '/reg/fetched-1.4.0');
  assert.equal(findPackageSource(fs, ['/reg'], 'fetched', '3', undefined), undefined);
});

test("a build script's flags: undecided, unless set only in a match arm for another package's name", () => {
  // im and im-rc share one build script: `threadsafe` is set for "im" only.
  const script = [
    'fn main() {',
    '    println!("cargo:rustc-cfg=has_specialisation");',
    '    let pkgname = env::var("CARGO_PKG_NAME").unwrap();',
    '    match pkgname.as_str() {',
    '        "im" => {',
    '            if !test_rc {',
    '                println!("cargo:rustc-cfg=threadsafe")',
    '            }',
    '        }',
    '        "im-rc" => { println!("cargo:rustc-cfg=rc_only"); }',
    '        _ => panic!("unexpected package name!"),',
    '    }',
    '}',
  ].join('\n');
  const fs = memoryFs({
    '/im-rc/Cargo.toml': ['[package]', 'name = "im-rc"'].join('\n'),
    '/im-rc/build.rs': script,
    '/im/Cargo.toml': ['[package]', 'name = "im"'].join('\n'),
    '/im/build.rs': script,
  });
  assert.deepEqual(readManifest(fs, '/im-rc')!.buildCfgs?.maybe, ['has_specialisation', 'rc_only']);
  assert.deepEqual(readManifest(fs, '/im')!.buildCfgs?.maybe, ['has_specialisation', 'threadsafe']);
});

test("a build's features: each package gets what all its dependents ask, through optional dependencies a feature turns on", () => {
  // futures' shape: the facade asks futures-channel for `alloc` only, futures-util asks it for
  // `std` when its own `channel` feature is on; `mpsc` is under futures-channel's `std`.
  const fs = memoryFs({
    '/app/Cargo.toml': [
      '[package]',
      'name = "app"',
      '[dependencies]',
      'futures = "0.3"',
      '[dev-dependencies]',
      'tokio = { version = "1", features = ["rt"] }',
    ].join('\n'),
    '/futures/Cargo.toml': [
      '[package]',
      'name = "futures"',
      '[dependencies]',
      'futures-channel = { path = "../futures-channel", default-features = false, features = ["sink"] }',
      'futures-util = { path = "../futures-util", default-features = false }',
      'unused = { path = "../unused", optional = true }',
      '[features]',
      'default = ["std"]',
      'std = ["alloc", "futures-util/std", "futures-util/channel"]',
      'alloc = ["futures-channel/alloc"]',
      'weak = ["unused?/x"]',
    ].join('\n'),
    '/futures-util/Cargo.toml': [
      '[package]',
      'name = "futures-util"',
      '[dependencies]',
      'futures-channel = { path = "../futures-channel", default-features = false, features = ["std"], optional = true }',
      '[features]',
      'std = []',
      'channel = ["std", "futures-channel"]',
    ].join('\n'),
    '/futures-channel/Cargo.toml': [
      '[package]',
      'name = "futures-channel"',
      '[features]',
      'default = ["std"]',
      'std = ["alloc"]',
      'alloc = []',
      'sink = []',
    ].join('\n'),
    '/unused/Cargo.toml': ['[package]', 'name = "unused"', '[features]', 'x = []'].join('\n'),
    '/tokio/Cargo.toml': ['[package]', 'name = "tokio"', '[features]', 'rt = []'].join('\n'),
  });
  const app = readManifest(fs, '/app')!;
  const manifestAt = (dir: string) => readManifest(fs, dir);
  const sourceOf = (_from: unknown, dep: { path?: string; package: string }) => dep.path ?? `/${dep.package}`;
  const build = unifiedFeatures(app, enabledFeatures(app, [], true), false, manifestAt, sourceOf);
  const channel = build.get('/futures-channel')!;
  assert.deepEqual([...channel.requested].sort(), ['alloc', 'sink', 'std']);
  assert.equal(channel.withDefault, false);
  assert.ok(enabledFeatures(readManifest(fs, '/futures-channel')!, channel.requested, false).has('std'));
  assert.deepEqual([...build.get('/futures-util')!.requested].sort(), ['channel', 'std']);
  // An optional dependency no enabled feature turns on is not built (`unused?/x` does not).
  assert.equal(build.has('/unused'), false);
  // The dev-dependencies are in the build of tests only.
  assert.equal(build.has('/tokio'), false);
  const tests = unifiedFeatures(app, enabledFeatures(app, [], true), true, manifestAt, sourceOf);
  assert.deepEqual([...tests.get('/tokio')!.requested], ['rt']);
});
