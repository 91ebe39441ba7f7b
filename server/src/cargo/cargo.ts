// What Cargo says about a project, read from its files the way cargo reads them, without running
// it: manifests (package name, lib and bin roots, workspace members, dependencies with renames,
// paths and features), Cargo.lock versions, and where the sources of registry dependencies are on
// disk (vendor/, directory sources named in .cargo/config.toml, $CARGO_HOME/registry/src).
import { parseToml, tomlString, tomlStrings, tomlTable, type TomlTable } from './toml';

/** The file access the workspace needs; the CLI and the server give the real file system. */
export interface FileSystem {
  readFile(path: string): string | undefined;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  listDir(path: string): string[];
  /** What to do about a registry dependency whose source is missing, when not `run \`cargo fetch\``. */
  readonly missingSourceHint?: string;
}

export interface Dependency {
  /** The name code uses (`extern` name): the key, or the rename. */
  name: string;
  /** The package's real name. */
  package: string;
  path?: string;
  version?: string;
  features: string[];
  defaultFeatures: boolean;
  optional: boolean;
}

export interface Manifest {
  dir: string;
  packageName?: string;
  /** The library root (`src/lib.rs` unless `[lib] path` says otherwise), if it exists. */
  libRoot?: string;
  /** `[lib] name`, when given: the name code uses for the library (package `utf-8` is `utf8`). */
  libName?: string;
  /** Binary roots (`src/main.rs`, `[[bin]] path`, `src/bin/*.rs`). */
  otherRoots: string[];
  /** Roots that also see the dev-dependencies: `examples/`, `tests/` and `benches/` (`x.rs`, `x/main.rs`). */
  devRoots: string[];
  workspaceMembers: string[];
  dependencies: Dependency[];
  /** `[dev-dependencies]` (and the target-specific ones). */
  devDependencies: Dependency[];
  /** `[features]`: each feature and what it enables. */
  features: Record<string, string[]>;
  /** Edition 2015 (no `edition` in `[package]`): paths in `use` and `::x` start at the crate root. */
  edition2015?: boolean;
  /**
   * Edition 2018 or 2015: a closure or async block captures whole variables, where since 2021 it
   * captures only the fields it names (`self.state`); a trait named as a type is a trait object.
   */
  beforeEdition2021?: boolean;
  /** `cargo:rustc-cfg=x` flags the build script sets (see buildScriptCfgs). */
  buildCfgs?: BuildCfgs;
}

/** Flags a build script sets: `on` in every build with a recent compiler, `maybe` in some. */
interface BuildCfgs {
  on: string[];
  maybe: string[];
}

/** The oldest compiler the analysis assumes (a build script's `rustc_minor_ver >= N` probes). */
const ASSUMED_RUSTC_MINOR = 70;

/**
 * The `--cfg` flags a build script can set: `println!("cargo:rustc-cfg=libc_union")` (and autocfg's
 * `emit("x")`). A flag set inside `if rustc_minor_ver >= 19 || .. {` (a compiler-version probe) is
 * on; one set by autocfg's `emit_sysroot_crate("std")` is `has_std`, on for a host with std; any
 * other may or may not be, and stays undecided rather than off (but see `elsewhere`).
 */
function buildScriptCfgs(text: string, packageName?: string): BuildCfgs {
  const on = new Set<string>();
  const maybe = new Set<string>();
  const others = otherPackagesArms(text, packageName);
  for (const m of text.matchAll(/cargo:rustc-cfg=([A-Za-z_]\w*)"|autocfg::emit\(\s*"([A-Za-z_]\w*)"/g))
    if (!others.some(([start, end]) => m.index >= start && m.index < end)) maybe.add(m[1] ?? m[2]);
  if (/emit_sysroot_crate\(\s*"std"\s*\)/.test(text)) maybe.add('has_std');
  const probe =
    /\bif\s+\w*(?:minor|version)\w*\s*>=\s*(\d+)\s*(?:\|\|[^{]*)?\{((?:\s*println!\(\s*"cargo:rustc-cfg=\w+"\s*\);)+)\s*\}/g;
  for (const m of text.matchAll(probe)) {
    if (Number(m[1]) > ASSUMED_RUSTC_MINOR) continue;
    for (const c of m[2].matchAll(/rustc-cfg=(\w+)/g)) on.add(c[1]);
  }
  if (/emit_sysroot_crate\(\s*"std"\s*\)/.test(text)) on.add('has_std');
  // `tokio_no_addr_of`, `crossbeam_no_atomic_cas`, `tokio_wasm`, `freebsd12`: set for an old compiler
  // or another target, off on the host the analysis assumes (cfg.ts), as flags no one sets are.
  const elsewhere = (c: string) => /(^|_)no_|wasm|wasi|freebsd|windows|android|ios|macos|emscripten/.test(c);
  return { on: [...on].sort(), maybe: [...maybe].filter((c) => !on.has(c) && !elsewhere(c)).sort() };
}

/**
 * The spans of a build script's `match` arms for other packages than this one: im-rc's and im's
 * shared script sets `threadsafe` under `"im" => { .. }` of a match on `CARGO_PKG_NAME`.
 */
function otherPackagesArms(text: string, packageName: string | undefined): [number, number][] {
  if (packageName === undefined || !text.includes('CARGO_PKG_NAME')) return [];
  const arms: [number, number][] = [];
  for (const m of text.matchAll(/"([\w-]+)"\s*=>\s*\{/g)) {
    if (m[1] === packageName) continue;
    let depth = 1;
    let at = m.index + m[0].length;
    for (; at < text.length && depth > 0; at++) depth += text[at] === '{' ? 1 : text[at] === '}' ? -1 : 0;
    arms.push([m.index, at]);
  }
  return arms;
}

export const join = (...parts: string[]): string =>
  parts
    .join('/')
    .replace(/\/+/g, '/')
    .replace(/\/\.\//g, '/');

/** A path written in a manifest, from `dir`: as written when it is absolute (`/src/x`, `C:/src/x`). */
export function pathFrom(dir: string, written: string): string {
  return normalize(/^(\/|[A-Za-z]:[\\/])/.test(written) ? written : join(dir, written));
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

/** Normalises `a/b/../c` to `a/c` (paths stay as given otherwise: relative or absolute). */
export function normalize(path: string): string {
  const abs = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return (abs ? '/' : '') + (out.join('/') || (abs ? '' : '.'));
}

export function readManifest(fs: FileSystem, dir: string): Manifest | undefined {
  const text = fs.readFile(join(dir, 'Cargo.toml'));
  if (text === undefined) return undefined;
  const toml = parseToml(text);
  const pkg = tomlTable(toml.package);
  const lib = tomlTable(toml.lib);
  const libPath = tomlString(lib?.path) ?? 'src/lib.rs';
  const libRoot = fs.isFile(pathFrom(dir, libPath)) ? pathFrom(dir, libPath) : undefined;
  const otherRoots: string[] = [];
  const bins = Array.isArray(toml.bin) ? toml.bin : [];
  for (const b of bins) {
    const p = tomlString(tomlTable(b)?.path);
    if (p && fs.isFile(pathFrom(dir, p))) otherRoots.push(pathFrom(dir, p));
  }
  if (fs.isFile(join(dir, 'src/main.rs'))) otherRoots.push(normalize(join(dir, 'src/main.rs')));
  const devRoots: string[] = [];
  for (const sub of ['src/bin', 'examples', 'tests', 'benches']) {
    if (!fs.isDir(join(dir, sub))) continue;
    const into = sub === 'src/bin' ? otherRoots : devRoots;
    for (const f of fs.listDir(join(dir, sub)).sort()) {
      if (f.endsWith('.rs')) into.push(normalize(join(dir, sub, f)));
      else if (fs.isFile(join(dir, sub, f, 'main.rs'))) into.push(normalize(join(dir, sub, f, 'main.rs')));
    }
  }
  // `[[test]] path = "test/test.rs"` (nix): a target outside the folders cargo looks in.
  for (const kind of ['test', 'bench', 'example']) {
    for (const t of Array.isArray(toml[kind]) ? toml[kind] : []) {
      const p = tomlString(tomlTable(t)?.path);
      if (p && fs.isFile(pathFrom(dir, p)) && !devRoots.includes(pathFrom(dir, p))) devRoots.push(pathFrom(dir, p));
    }
  }
  const dependencies: Dependency[] = [];
  const devDependencies: Dependency[] = [];
  let workspace: { dir: string; table: TomlTable } | undefined | null = null;
  const workspaceTable = () => (workspace === null ? (workspace = workspaceOf(fs, dir)) : workspace);
  const addDeps = (table: TomlTable | undefined, into = dependencies) => {
    for (const [key, spec] of Object.entries(table ?? {})) {
      const own = tomlTable(spec);
      // `dep = { workspace = true, features = [..] }`: the workspace's entry, with the member's
      // features added and its `optional` (a path there is from the workspace's folder).
      let t = own;
      let from = dir;
      let version = typeof spec === 'string' ? spec : tomlString(own?.version);
      if (own?.workspace === true) {
        const workspaceDeps = workspaceTable();
        const inherited = tomlTable(workspaceDeps?.table.dependencies)?.[key];
        const entry = tomlTable(inherited);
        t = { ...entry, features: [...tomlStrings(entry?.features), ...tomlStrings(own.features)] };
        from = workspaceDeps?.dir ?? dir;
        version = typeof inherited === 'string' ? inherited : tomlString(entry?.version);
      }
      const pkgName = tomlString(t?.package) ?? key;
      into.push({
        name: key.replace(/-/g, '_'),
        package: pkgName,
        path: tomlString(t?.path) ? pathFrom(from, tomlString(t?.path)!) : undefined,
        version,
        features: tomlStrings(t?.features),
        defaultFeatures: t?.['default-features'] !== false && t?.default_features !== false,
        optional: own?.optional === true,
      });
    }
  };
  addDeps(tomlTable(toml.dependencies));
  addDeps(tomlTable(toml['dev-dependencies']), devDependencies);
  for (const target of Object.values(tomlTable(toml.target) ?? {})) {
    addDeps(tomlTable(tomlTable(target)?.dependencies));
    addDeps(tomlTable(tomlTable(target)?.['dev-dependencies']), devDependencies);
  }
  const features: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(tomlTable(toml.features) ?? {})) features[k] = tomlStrings(v);
  const ownWorkspace = tomlTable(toml.workspace);
  const workspaceMembers = expandMembers(
    fs,
    dir,
    tomlStrings(ownWorkspace?.members),
    tomlStrings(ownWorkspace?.exclude),
  );
  // `edition.workspace = true`: the workspace's `[workspace.package] edition` (cargo requires one).
  const edition =
    tomlTable(pkg?.edition)?.workspace === true
      ? tomlString(tomlTable(workspaceTable()?.table.package)?.edition)
      : pkg?.edition;
  const edition2015 = !!pkg && (pkg.edition === undefined || edition === '2015');
  const beforeEdition2021 = edition2015 || edition === '2018';
  const buildPath = tomlString(pkg?.build) ?? 'build.rs';
  const buildText = pkg?.build === false ? undefined : fs.readFile(join(dir, buildPath));
  const buildCfgs = buildText === undefined ? undefined : buildScriptCfgs(buildText, tomlString(pkg?.name));
  return {
    dir,
    packageName: tomlString(pkg?.name),
    libRoot,
    ...(tomlString(lib?.name) === undefined ? {} : { libName: tomlString(lib?.name) }),
    otherRoots,
    devRoots,
    workspaceMembers,
    dependencies,
    devDependencies,
    features,
    edition2015,
    beforeEdition2021,
    buildCfgs,
  };
}

/**
 * The `[workspace]` table of the workspace the crate in `dir` belongs to (what its members
 * inherit: `[workspace.dependencies]`, `[workspace.package]`): that of the nearest folder at or
 * above it whose Cargo.toml has one (`package.workspace`, which names another, is not followed).
 */
function workspaceOf(fs: FileSystem, dir: string): { dir: string; table: TomlTable } | undefined {
  for (let d = dir, i = 0; i < 16; d = dirname(d), i++) {
    const text = fs.readFile(join(d, 'Cargo.toml'));
    const workspace = text === undefined ? undefined : tomlTable(parseToml(text).workspace);
    if (workspace) return { dir: d, table: workspace };
    if (d === '/' || d === '.' || dirname(d) === d) break;
  }
  return undefined;
}

/** `members = ["crates/*"]`: the member folders that hold a Cargo.toml. */
function expandMembers(fs: FileSystem, dir: string, members: string[], exclude: string[]): string[] {
  const out: string[] = [];
  for (const m of members) {
    if (m.endsWith('/*')) {
      const base = join(dir, m.slice(0, -2));
      if (fs.isDir(base)) for (const d of fs.listDir(base)) out.push(normalize(join(base, d)));
    } else {
      out.push(normalize(join(dir, m)));
    }
  }
  const excluded = new Set(exclude.map((e) => normalize(join(dir, e))));
  return out.filter((m) => !excluded.has(m) && fs.isFile(join(m, 'Cargo.toml')));
}

/** The features a crate builds with: the requested ones and `default`, closed over `[features]`. */
export function enabledFeatures(manifest: Manifest, requested: Iterable<string>, withDefault: boolean): Set<string> {
  const enabled = new Set<string>();
  const stack = [...requested, ...(withDefault && manifest.features.default ? ['default'] : [])];
  while (stack.length) {
    const f = stack.pop()!;
    if (f.startsWith('dep:') || f.includes('/') || enabled.has(f)) continue;
    enabled.add(f);
    for (const g of manifest.features[f] ?? []) stack.push(g.replace(/\?$/, ''));
  }
  // An optional dependency is also a feature of its own name.
  return enabled;
}

/** What the packages of a build ask of one package: the features, and whether any wants `default`. */
export interface FeatureRequests {
  requested: Set<string>;
  withDefault: boolean;
}

/**
 * What every package of one build is asked for, by its folder, over the whole dependency graph
 * from `root` (built with `rootFeatures`, with its dev-dependencies when `dev`): cargo builds a
 * package once per build, with the union of the features all its dependents ask for. futures
 * asks futures-channel for `alloc` only, futures-util asks it for `std`, and `mpsc` is under
 * `std`. An optional dependency counts where a feature turns it on (`dep:x`, `x/f`, or its own
 * name); dependencies' dev-dependencies are not built. `manifestAt` and `sourceOf` find a
 * package's manifest and a dependency's folder (undefined: not found, left out).
 */
export function unifiedFeatures(
  root: Manifest,
  rootFeatures: Set<string>,
  dev: boolean,
  manifestAt: (dir: string) => Manifest | undefined,
  sourceOf: (from: Manifest, dep: Dependency) => string | undefined,
): Map<string, FeatureRequests> {
  const asked = new Map<string, FeatureRequests & { manifest: Manifest }>();
  const queue: string[] = [];
  const visit = (from: Manifest, features: Set<string>, deps: Dependency[]): void => {
    // The entries of the enabled features: `dep:x`, `x/f` and `x?/f` name dependencies by key.
    const entries = [...features].flatMap((f) => from.features[f] ?? []);
    for (const dep of deps) {
      const named = (key: string) => key.replace(/-/g, '_') === dep.name;
      const on =
        !dep.optional ||
        [...features].some(named) ||
        entries.some(
          (e) => (e.startsWith('dep:') && named(e.slice(4))) || (/^[\w-]+\/[\w-]+$/.test(e) && named(e.split('/')[0])),
        );
      if (!on) continue;
      const dir = sourceOf(from, dep);
      const manifest = dir === undefined ? undefined : manifestAt(dir);
      if (dir === undefined || manifest === undefined) continue;
      let known = asked.get(dir);
      const fresh = known === undefined;
      known ??= { manifest, requested: new Set<string>(), withDefault: false };
      asked.set(dir, known);
      const size = known.requested.size;
      const withDefault = known.withDefault;
      for (const f of dep.features) known.requested.add(f);
      for (const e of entries) {
        const m = /^([\w-]+)\??\/([\w-]+)$/.exec(e);
        if (m && named(m[1])) known.requested.add(m[2]);
      }
      known.withDefault ||= dep.defaultFeatures;
      if (fresh || known.requested.size !== size || known.withDefault !== withDefault) queue.push(dir);
    }
  };
  visit(root, rootFeatures, dev ? [...root.dependencies, ...root.devDependencies] : root.dependencies);
  for (let dir = queue.pop(); dir !== undefined; dir = queue.pop()) {
    const known = asked.get(dir)!;
    if (known.manifest.dir === root.dir) continue;
    visit(
      known.manifest,
      enabledFeatures(known.manifest, known.requested, known.withDefault),
      known.manifest.dependencies,
    );
  }
  return new Map([...asked].map(([dir, { requested, withDefault }]) => [dir, { requested, withDefault }]));
}

/** Versions from Cargo.lock, by package name (several when the graph has several). */
export function readLock(fs: FileSystem, dir: string): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (let d = dir, i = 0; i < 8; d = dirname(d), i++) {
    const text = fs.readFile(join(d, 'Cargo.lock'));
    if (text !== undefined) {
      const toml = parseToml(text);
      for (const p of Array.isArray(toml.package) ? toml.package : []) {
        const t = tomlTable(p);
        const name = tomlString(t?.name);
        const version = tomlString(t?.version);
        if (name && version) versions.set(name, [...(versions.get(name) ?? []), version]);
      }
      break;
    }
    if (d === '/' || d === '.') break;
  }
  return versions;
}

/**
 * Folders that may hold registry crates' sources as `NAME-VERSION/`: vendor/ beside the
 * project, directory sources of .cargo/config.toml files (the project's, its parents', and
 * $CARGO_HOME's), and $CARGO_HOME/registry/src/*.
 */
export function sourceFolders(fs: FileSystem, projectDir: string, env: Record<string, string | undefined>): string[] {
  const folders: string[] = [];
  const cargoHome = env.CARGO_HOME ?? (env.HOME ? join(env.HOME, '.cargo') : undefined);
  const configs: string[] = [];
  for (let d = projectDir, i = 0; i < 12; d = dirname(d), i++) {
    configs.push(join(d, '.cargo', 'config.toml'), join(d, '.cargo', 'config'));
    if (fs.isDir(join(d, 'vendor'))) folders.push(join(d, 'vendor'));
    if (d === '/' || d === '.') break;
  }
  if (cargoHome) configs.push(join(cargoHome, 'config.toml'), join(cargoHome, 'config'));
  for (const c of configs) {
    const text = fs.readFile(c);
    if (text === undefined) continue;
    for (const source of Object.values(tomlTable(parseToml(text).source) ?? {})) {
      const directory = tomlString(tomlTable(source)?.directory);
      if (directory)
        folders.push(directory.startsWith('/') ? directory : normalize(join(dirname(dirname(c)), directory)));
    }
  }
  // A crate opened where cargo unpacked it (a registry or vendor folder): its dependencies are
  // its siblings, as cargo itself would find them.
  const parent = dirname(projectDir);
  if (/-\d+\.\d+/.test(projectDir.slice(parent.length + 1))) folders.push(parent);
  if (cargoHome && fs.isDir(join(cargoHome, 'registry', 'src'))) {
    for (const reg of fs.listDir(join(cargoHome, 'registry', 'src')))
      folders.push(join(cargoHome, 'registry', 'src', reg));
  }
  return [...new Set(folders)].filter((f) => fs.isDir(f));
}

/** Compares dotted versions numerically (`1.10.0` > `1.9.3`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The caret requirement `1.2` (or `^1.2`, `~1.2`, `=1.2.3`) admits `version`: same leading non-zero part. */
export function admits(requirement: string | undefined, version: string): boolean {
  if (!requirement) return true;
  const m = /(\d+)(?:\.(\d+))?/.exec(requirement);
  if (!m) return true;
  const [major, minor] = [parseInt(m[1], 10), m[2] === undefined ? undefined : parseInt(m[2], 10)];
  const [vMajor, vMinor] = version.split('.').map((x) => parseInt(x, 10));
  if (major !== vMajor) return false;
  if (major === 0 && minor !== undefined) return minor === vMinor;
  return true;
}

/** The folder of `pkg`'s sources: the locked version if known, else the highest that admits the requirement. */
export function findPackageSource(
  fs: FileSystem,
  folders: string[],
  pkg: string,
  requirement: string | undefined,
  locked: string[] | undefined,
): string | undefined {
  const candidates: { dir: string; version: string }[] = [];
  for (const folder of folders) {
    for (const entry of fs.listDir(folder)) {
      if (!entry.startsWith(`${pkg}-`)) continue;
      const version = entry.slice(pkg.length + 1);
      if (!/^\d/.test(version)) continue;
      if (fs.isFile(join(folder, entry, 'Cargo.toml'))) candidates.push({ dir: join(folder, entry), version });
    }
  }
  const lockedMatch = candidates.filter((c) => locked?.includes(c.version) && admits(requirement, c.version));
  const pool = lockedMatch.length ? lockedMatch : candidates.filter((c) => admits(requirement, c.version));
  pool.sort((a, b) => compareVersions(b.version, a.version));
  return pool[0]?.dir;
}
