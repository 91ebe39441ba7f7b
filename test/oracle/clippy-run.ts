// Runs clippy's `undocumented_unsafe_blocks` on one crate's sources, offline, and keeps what the
// comparison needs: where clippy asks for a SAFETY comment, and which `unsafe` code it compiled
// at all (rustc's `unsafe_code` lint, force-warned, fires on every `unsafe impl` the build sees).
//
// The crate folder may be read-only (a registry of vendored sources): it is copied to a temp
// folder, its dev-dependencies are dropped (a vendored registry rarely holds them, and cargo
// resolves them even for a plain library check), and cargo builds from there with the crate's
// parent folder as a directory source replacing crates.io. Only the library and binaries are
// checked, so `#[cfg(test)]` code, tests, examples and benches count as not compiled.
//
// Several feature sets are tried (all features, default, none; and when all features together
// do not build, e.g. one of them needs nightly, each feature alone); a failing one is recorded
// and skipped. Results are cached per crate folder, feature set and clippy version under
// test-results/clippy/ (delete it or pass `refresh` to rerun).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { REPO_ROOT } from './rust-items';

export const CACHE_DIR = join(REPO_ROOT, 'test-results', 'clippy');

export const FEATURE_SETS = [
  { name: 'all-features', args: ['--all-features'] },
  { name: 'default-features', args: [] },
  { name: 'no-default-features', args: ['--no-default-features'] },
] as const;

/** One diagnostic of interest, with its primary span in the crate (paths relative to the crate). */
export interface ClippyHit {
  lint: 'undocumented_unsafe_blocks' | 'unsafe_code';
  file: string;
  /** 1-based line of the span's start (the `unsafe` keyword of an impl). */
  line: number;
  /** The span's source text (all its lines, joined with newlines). */
  text: string;
  /** Set when the span is inside a macro definition: where the macro was invoked. */
  expandedFrom?: { file: string; line: number };
}

export interface ClippyRun {
  featureSet: string;
  ok: boolean;
  /** The end of cargo's stderr when the build failed. */
  error?: string;
  hits: ClippyHit[];
}

export interface ClippyOptions {
  /** The directory source cargo uses for dependencies (default: the crate folder's parent). */
  registry?: string;
  /** Ignore the cache. */
  refresh?: boolean;
  log?: (line: string) => void;
}

let versionCache: string | undefined;
export function clippyVersion(): string {
  if (versionCache) return versionCache;
  const r = spawnSync('cargo', ['clippy', '--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`\`cargo clippy --version\` failed: is clippy installed?\n${r.stderr}`);
  versionCache = r.stdout.trim();
  return versionCache;
}

/** Cargo.toml without its `[dev-dependencies]` tables (plain and per-target). */
export function withoutDevDependencies(manifest: string): string {
  const out: string[] = [];
  let skip = false;
  for (const line of manifest.split('\n')) {
    if (/^\s*\[/.test(line)) skip = /^\s*\[\s*(target\..*\.)?dev-dependencies\s*(\.|\])/.test(line);
    if (!skip) out.push(line);
  }
  return out.join('\n');
}

/** The features a manifest declares: its `[features]` keys and its optional dependencies. */
export function cargoFeatures(manifest: string): string[] {
  const features = new Set<string>();
  let table = '';
  let depName: string | undefined;
  for (const raw of manifest.split('\n')) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1];
      depName = /^(?:target\..+\.)?(?:build-)?dependencies\.("?)([\w-]+)\1$/.exec(table)?.[2];
      continue;
    }
    const key = /^("?)([\w-]+)\1\s*=/.exec(line)?.[2];
    if (!key) continue;
    if (table === 'features' && key !== 'default') features.add(key);
    else if (depName && key === 'optional' && /=\s*true\b/.test(line)) features.add(depName);
    else if (/^(?:target\..+\.)?dependencies$/.test(table) && /optional\s*=\s*true/.test(line)) features.add(key);
  }
  return [...features].sort();
}

const WORK_DIR = join(tmpdir(), 'rust-send-sync-clippy');

/** cargo's environment for a crate's copy: one target folder for every crate, no colours. */
export const CARGO_ENV = { ...process.env, CARGO_TARGET_DIR: join(WORK_DIR, 'target'), CARGO_TERM_COLOR: 'never' };

/**
 * A writable copy of `crateDir` that cargo builds offline (see the top of this file): without its
 * dev-dependencies and lock file, with `registryDir` (default: the crate folder's parent) as the
 * directory source for crates.io. Returns the copy's folder; every crate's copy shares one target
 * folder, so dependencies built for one are reused by the next.
 */
export function copyCrate(crateDir: string, registryDir?: string): string {
  const name = basename(crateDir);
  const registry = registryDir ?? dirname(crateDir);
  const copy = join(WORK_DIR, 'src', name);
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(dirname(copy), { recursive: true });
  cpSync(crateDir, copy, { recursive: true, filter: (src) => !/[\\/](target|\.git)$/.test(src) });
  const manifest = join(copy, 'Cargo.toml');
  writeFileSync(manifest, withoutDevDependencies(readFileSync(manifest, 'utf8')));
  rmSync(join(copy, 'Cargo.lock'), { force: true });
  // In a config file, not `cargo --config`: `cargo clippy` starts a second cargo that would not see it.
  mkdirSync(join(WORK_DIR, 'src', '.cargo'), { recursive: true });
  writeFileSync(
    join(WORK_DIR, 'src', '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "corpus"\n[source.corpus]\ndirectory = ${JSON.stringify(registry)}\n[net]\noffline = true\n`,
  );
  return copy;
}

/** Runs (or reads from the cache) clippy on `crateDir` with every feature set. */
export function runClippy(crateDir: string, options: ClippyOptions = {}): ClippyRun[] {
  const log = options.log ?? (() => undefined);
  const name = basename(crateDir);
  const version = clippyVersion();
  const cacheFile = join(CACHE_DIR, `${name}.json`);
  if (!options.refresh && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { version: string; runs: ClippyRun[] };
    if (cached.version === version) return cached.runs;
  }
  const copy = copyCrate(crateDir, options.registry);
  const manifest = join(copy, 'Cargo.toml');

  const runs: ClippyRun[] = [];
  const sets: { name: string; args: readonly string[] }[] = [...FEATURE_SETS];
  for (const set of sets) {
    log(`  clippy ${name} ${set.name}`);
    const started = Date.now();
    const r = spawnSync(
      'cargo',
      [
        'clippy',
        '--offline',
        '--quiet',
        '--message-format=json',
        ...set.args,
        '--',
        '-A',
        'clippy::all',
        '-W',
        'clippy::undocumented_unsafe_blocks',
        '--force-warn',
        'unsafe_code',
      ],
      {
        cwd: copy,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        env: CARGO_ENV,
      },
    );
    const hits = parseMessages(r.stdout ?? '', copy);
    const ok = r.status === 0;
    log(
      `    ${ok ? 'ok' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(0)} s, ${hits.length} diagnostics kept`,
    );
    runs.push({
      featureSet: set.name,
      ok,
      error: ok ? undefined : (r.stderr ?? '').trim().split('\n').slice(-6).join('\n'),
      hits,
    });
    if (set.name === 'all-features' && !ok) {
      for (const f of cargoFeatures(readFileSync(manifest, 'utf8')))
        sets.push({ name: `feature ${f}`, args: ['--features', f] });
    }
  }
  if (!runs.some((r) => r.ok)) return runs; // not cached: a setup problem, worth a rerun
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ version, crate: name, runs }, null, 1));
  return runs;
}

interface Span {
  file_name: string;
  line_start: number;
  is_primary: boolean;
  text: { text: string }[];
  expansion?: { span: Span } | null;
}

/** The `unsafe_code` and `undocumented_unsafe_blocks` diagnostics on `unsafe impl`s in cargo's JSON output. */
export function parseMessages(stdout: string, crateRoot: string): ClippyHit[] {
  const hits: ClippyHit[] = [];
  const seen = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { reason?: string; message?: { code?: { code?: string } | null; spans?: Span[] } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      continue;
    }
    if (msg.reason !== 'compiler-message' || !msg.message) continue;
    const code = msg.message.code?.code;
    const lint =
      code === 'clippy::undocumented_unsafe_blocks'
        ? 'undocumented_unsafe_blocks'
        : code === 'unsafe_code'
          ? 'unsafe_code'
          : undefined;
    if (!lint) continue;
    const span = msg.message.spans?.find((s) => s.is_primary);
    if (!span) continue;
    const file = relativeToCrate(span.file_name, crateRoot);
    if (file === undefined) continue; // in a dependency
    let expandedFrom: ClippyHit['expandedFrom'];
    for (let e = span.expansion; e; e = e.span.expansion) {
      const f = relativeToCrate(e.span.file_name, crateRoot);
      if (f !== undefined) expandedFrom = { file: f, line: e.span.line_start };
    }
    const text = span.text.map((t) => t.text).join('\n');
    if (!/^\s*unsafe\s+impl\b/.test(text)) continue; // an unsafe block or fn
    const key = `${lint} ${file}:${span.line_start}`;
    if (seen.has(key)) continue; // one macro expanded many times, or one file in two targets
    seen.add(key);
    hits.push({ lint, file, line: span.line_start, text, expandedFrom });
  }
  return hits;
}

function relativeToCrate(fileName: string, crateRoot: string): string | undefined {
  if (!fileName.startsWith('/')) return fileName.replace(/\\/g, '/');
  const root = crateRoot.endsWith('/') ? crateRoot : `${crateRoot}/`;
  return fileName.startsWith(root) ? fileName.slice(root.length) : undefined;
}
