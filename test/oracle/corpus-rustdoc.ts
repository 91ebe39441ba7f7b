// The compiler's own Send/Sync conditions for a real crate's types, as stable rustdoc states them:
// `cargo doc` renders every auto-trait impl rustc derives ("Auto Trait Implementations") and every
// manual impl ("Trait Implementations") on each struct/enum/union page. This module builds a
// crate's docs offline and reads those impl headers back into verdicts over the type's own
// parameters, in the engine's vocabulary (`yes`, `no`, `if T: Send, U: Sync`).
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { readManifest } from '../../server/src/cargo/cargo';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';

export type DocStatus = 'yes' | 'no' | 'conditional';

/** One impl of `Send`/`Sync` (or its negation) for the type, read from its page. */
export interface DocImpl {
  trait: 'Send' | 'Sync';
  negative: boolean;
  /** Synthetic (auto trait) or written in the source (a manual or negative impl). */
  synthetic: boolean;
  /** The header as rustdoc prints it, tags stripped, links to items replaced by full paths. */
  text: string;
}

export interface DocParam {
  kind: 'lifetime' | 'type' | 'const';
  name: string;
  /** Bounds the declaration puts on the parameter (inline and `where`), trait names only. */
  bounds: string[];
}

export interface DocItem {
  /** Path of the page rustdoc wrote, e.g. `tokio::sync::Mutex` (the first, if several). */
  path: string;
  /** Every page that shows this item (re-exports inlined at other paths). */
  pages: string[];
  name: string;
  kind: 'struct' | 'enum' | 'union';
  /** Declaring file relative to the crate folder (`src/sync/mutex.rs`), and 1-based line span. */
  file?: string;
  lines?: [number, number];
  params: DocParam[];
  /**
   * The declaration's where clauses on other types than its parameters (`A::LinkOps:
   * LinkedListOps`), as written: what every instantiation satisfies, so no condition.
   */
  where?: [string, string[]][];
  impls: DocImpl[];
}

export interface CrateDocs {
  crate: string;
  version: string;
  /** Why no docs could be built (the crate does not build offline), if so. */
  error?: string;
  items: DocItem[];
}

const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolvePromise) => {
    execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : 127
        : 0;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });

export async function toolVersion(tool: string): Promise<string | undefined> {
  const r = await run(tool, ['--version']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** `[package] name` and `version` of a crate folder's Cargo.toml. */
export function readPackage(crateDir: string): { name: string; version: string } {
  const toml = readFileSync(join(crateDir, 'Cargo.toml'), 'utf8');
  const section = /^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? toml;
  const name = /^name\s*=\s*"([^"]+)"/m.exec(section)?.[1];
  const version = /^version\s*=\s*"([^"]+)"/m.exec(section)?.[1];
  if (!name || !version) throw new Error(`${crateDir}/Cargo.toml: no [package] name and version`);
  return { name, version };
}

export interface BuildOptions {
  /** The directory source that replaces crates.io (the crates' dependencies). */
  registry: string;
  /** Shared target folder (kept between runs so rebuilds are incremental). */
  targetDir: string;
  /** Document private items too (`--document-private-items`). */
  privateItems?: boolean;
  /** Features besides the default ones (the wrapper's dependency asks for them). */
  features?: readonly string[];
}

/**
 * Builds the crate's docs with default features (and `options.features`), offline, through a throwaway wrapper crate that
 * depends on the crate folder by path: the folder stays read-only, its own dev-dependencies (often
 * absent offline) are never resolved, and its dependencies come from `registry`. Returns the
 * folder of the crate's docs.
 */
export async function buildDocs(crateDir: string, options: BuildOptions): Promise<{ docDir?: string; error?: string }> {
  const { name, version } = readPackage(crateDir);
  const wrapper = mkdtempSync(join(tmpdir(), 'rust-send-sync-corpus-'));
  try {
    mkdirSync(join(wrapper, 'src'));
    mkdirSync(join(wrapper, '.cargo'));
    writeFileSync(join(wrapper, 'src', 'lib.rs'), '');
    writeFileSync(
      join(wrapper, 'Cargo.toml'),
      `[package]\nname = "rust-send-sync-corpus-wrapper"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n` +
        `[dependencies]\n${JSON.stringify(name)} = { path = ${JSON.stringify(crateDir)}, features = ${JSON.stringify(options.features ?? [])} }\n\n[workspace]\n`,
    );
    writeFileSync(
      join(wrapper, '.cargo', 'config.toml'),
      `[source.crates-io]\nreplace-with = "corpus"\n\n[source.corpus]\ndirectory = ${JSON.stringify(options.registry)}\n\n[net]\noffline = true\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: options.targetDir };
    if (options.privateItems) env.RUSTDOCFLAGS = `${process.env.RUSTDOCFLAGS ?? ''} --document-private-items`.trim();
    const r = await run('cargo', ['doc', '--no-deps', '--offline', '-p', `${name}@${version}`], { cwd: wrapper, env });
    if (r.code !== 0) {
      const lines = r.stderr
        .split('\n')
        .filter((l) => l.startsWith('error') || /^\s+(required|location|-->)|does not have that feature/.test(l));
      return { error: (lines.length ? lines : r.stderr.trim().split('\n').slice(-5)).slice(0, 6).join('\n') };
    }
    const docDir = join(options.targetDir, 'doc', name.replace(/-/g, '_'));
    if (!existsSync(docDir)) return { error: `cargo doc succeeded but wrote no ${docDir}` };
    return { docDir };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e.startsWith('#'))
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * Header HTML to text: a link to a struct/enum/union/trait/alias becomes the item's full path
 * (from its `title`), so `OnceCell<T>: Sync` reads `once_cell::sync::OnceCell<T>: Sync`, and a
 * trait its bare name (`Send`, `RawMutex`).
 */
export function headerText(html: string): string {
  const s = html
    .replace(/<div class="where">/g, ' ')
    .replace(
      /<a class="(struct|enum|union|type|trait|primitive|foreigntype)"[^>]*?title="[a-z]+ ([^"]+)"[^>]*>[\s\S]*?<\/a>/g,
      (_m, kind: string, path: string) => (kind === 'trait' ? path.split('::').pop()! : path),
    )
    .replace(/<[^>]+>/g, '');
  return decodeEntities(s).replace(/\s+/g, ' ').trim();
}

/** Splits `s` at top-level occurrences of `sep`, ignoring brackets and the `>` of `->`. */
export function splitTop(s: string, sepChar: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if ((c === '>' && s[i - 1] !== '-') || c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && s.startsWith(sepChar, i)) {
      out.push(s.slice(start, i));
      start = i + sepChar.length;
      i += sepChar.length - 1;
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

/** Index of the `>` closing the `<` at `open`, or -1. */
export function closingAngle(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if ((c === '>' && s[i - 1] !== '-') || c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** A generic parameter list (`'a, T: Send + 'a, const N: usize`) to params with their bounds. */
export function parseGenerics(list: string): DocParam[] {
  return splitTop(list, ',').map((p) => {
    if (p.startsWith("'")) return { kind: 'lifetime', name: p.split(':')[0].trim(), bounds: [] };
    const c = /^const\s+(\w+)\s*:/.exec(p);
    if (c) return { kind: 'const', name: c[1], bounds: [] };
    const eq = splitTop(p, '=')[0];
    const [name, ...rest] = splitTop(eq, ':');
    const bounds = rest.length ? splitTop(rest.join(':'), '+') : [];
    return { kind: 'type', name: name.trim(), bounds };
  });
}

/** `where A: B + C, D: E` (text after `where`) to [lhs, bounds] pairs. */
export function parseWhere(text: string): [string, string[]][] {
  return splitTop(text, ',').map((pred) => {
    // The last top-level `:` splits the bounded type from its bounds (`<T as X>::Y: Send`).
    const parts = splitTop(pred.split('::').join('\u0000'), ':').map((x) => x.split('\u0000').join('::'));
    if (parts.length < 2) return [pred, []];
    return [parts.slice(0, -1).join(':'), splitTop(parts[parts.length - 1], '+')];
  });
}

export interface ParsedImpl {
  negative: boolean;
  trait: string;
  generics: DocParam[];
  /** Self type's path and generic arguments as written after `for`. */
  selfPath: string;
  selfArgs: string[];
  where: [string, string[]][];
}

/** `impl<T: Send> Sync for a::X<T, u8> where Y<T>: Send` (from `headerText`). */
export function parseImplHeader(text: string): ParsedImpl | undefined {
  let s = text.replace(/^unsafe\s+/, '');
  if (!s.startsWith('impl')) return undefined;
  s = s.slice(4);
  let generics: DocParam[] = [];
  if (s.startsWith('<')) {
    const close = closingAngle(s, 0);
    if (close < 0) return undefined;
    generics = parseGenerics(s.slice(1, close));
    s = s.slice(close + 1);
  }
  const [head, ...whereParts] = splitTop(s, ' where ');
  const forParts = splitTop(head, ' for ');
  if (forParts.length !== 2) return undefined;
  let trait = forParts[0].trim();
  const negative = trait.startsWith('!');
  if (negative) trait = trait.slice(1).trim();
  const selfType = forParts[1].trim();
  const lt = selfType.indexOf('<');
  const selfPath = lt < 0 ? selfType : selfType.slice(0, lt);
  const selfArgs = lt < 0 ? [] : splitTop(selfType.slice(lt + 1, closingAngle(selfType, lt)), ',');
  return {
    negative,
    trait,
    generics,
    selfPath: selfPath.trim(),
    selfArgs,
    where: whereParts.length ? parseWhere(whereParts.join(', ')) : [],
  };
}

/** The declaration (`pub struct X<T: Send>(..) where ..;`) to its parameters and their bounds. */
export function parseDeclaration(text: string): DocParam[] {
  return declarationParts(text).params;
}

/** The declaration's where clauses on other types than its parameters (DocItem.where). */
export function declarationWhere(text: string): [string, string[]][] {
  return declarationParts(text).where;
}

function declarationParts(text: string): { params: DocParam[]; where: [string, string[]][] } {
  const m = /\b(?:struct|enum|union)\s+\w+\s*/.exec(text);
  if (!m) return { params: [], where: [] };
  const after = text.slice(m.index + m[0].length);
  let params: DocParam[] = [];
  const where: [string, string[]][] = [];
  if (after.startsWith('<')) params = parseGenerics(after.slice(1, closingAngle(after, 0)));
  // A where clause follows the generics (and, for tuple structs, the fields).
  const w = /\bwhere\b([\s\S]*?)(?:\{|;|$)/.exec(after.replace(/\/\*[\s\S]*?\*\//g, ''));
  if (w) {
    for (const [lhs, bounds] of parseWhere(w[1])) {
      const p = params.find((q) => q.name === lhs.trim());
      if (p) p.bounds.push(...bounds);
      else if (lhs.trim()) where.push([lhs.trim(), bounds]);
    }
  }
  return { params, where };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/^(struct|enum|union)\..+\.html$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Resolves a `src/<crate>/a/b.rs.html` link to the crate folder's file, if it exists there. */
function sourceFile(crateDir: string, rel: string): string | undefined {
  for (const cand of [join('src', rel), rel]) {
    if (existsSync(join(crateDir, cand)) && statSync(join(crateDir, cand)).isFile()) return cand.split(sep).join('/');
  }
  return undefined;
}

/** Every feature of the crate (`[features]` and optional dependencies), as `--all-features` turns on. */
export function allFeatures(crateDir: string): string[] {
  const m = readManifest(nodeFileSystem, crateDir);
  if (!m) return [];
  // An optional dependency's feature is its key as written (`signal-hook-registry`).
  const key = (d: { name: string; package: string }) => (d.package.replace(/-/g, '_') === d.name ? d.package : d.name);
  return (
    [...new Set([...Object.keys(m.features), ...m.dependencies.filter((d) => d.optional).map(key)])]
      // `rustc-dep-of-std` builds the crate as part of std itself (not with a stable toolchain).
      .filter((f) => f !== 'default' && f !== 'rustc-dep-of-std')
      .sort()
  );
}

/**
 * The features of `wanted` left once those that need `missing` (an optional dependency the
 * registry lacks) are dropped, with every feature that turns one of them on.
 */
export function withoutDependency(crateDir: string, wanted: readonly string[], missing: string): string[] {
  const m = readManifest(nodeFileSystem, crateDir);
  if (!m) return [...wanted];
  const norm = (name: string) => name.replace(/-/g, '_');
  const dep = m.dependencies.find((d) => d.package === missing || d.name === norm(missing))?.name ?? norm(missing);
  const dropped = new Set<string>([dep]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [f, enables] of Object.entries(m.features)) {
      if (dropped.has(norm(f))) continue;
      const needs = enables.some((e) => {
        const target = e.replace(/^dep:/, '').replace(/\?$/, '').split('/')[0];
        return dropped.has(norm(target)) && !/^[\w-]+\?\//.test(e);
      });
      if (needs) {
        dropped.add(norm(f));
        changed = true;
      }
    }
  }
  return wanted.filter((f) => !dropped.has(norm(f)));
}

/**
 * What to leave out after a failed build, from cargo's error: a package it could not find offline
 * (`{ dependency }`), a dependency that failed to compile (`{ dependency }`: the features that
 * reach it), or a `#![cfg_attr(feature = "x", feature(..))]` of the crate that needs nightly
 * (`{ feature }`).
 */
export function whatFailed(error: string, crateDir: string): { dependency: string } | { feature: string } | undefined {
  const missing = /no matching package named `([^`]+)`/.exec(error)?.[1] ?? /requirement `([\w-]+) =/.exec(error)?.[1];
  if (missing) return { dependency: missing };
  // `package `w` depends on `tokio` with feature `x` but `tokio` does not have that feature.`
  const absent = /with feature `([^`]+)` but `[^`]+` does not have that feature/.exec(error)?.[1];
  if (absent) return { feature: absent };
  const at = /-->\s+(\S+?):(\d+):\d+/.exec(error);
  if (!at) return undefined;
  const [, file, line] = at;
  if (file.startsWith(`${crateDir}/`) || !file.startsWith('/')) {
    const text = readFileSync(file.startsWith('/') ? file : join(crateDir, file), 'utf8').split('\n')[Number(line) - 1];
    const feature = text && /feature\s*=\s*"([^"]+)"/.exec(text)?.[1];
    return feature ? { feature } : undefined;
  }
  const dep = /\/([A-Za-z0-9_-]+?)-\d+\.\d+\.\d+[^/]*\//.exec(file)?.[1];
  return dep ? { dependency: dep } : undefined;
}

/** Reads every struct/enum/union page under `docDir` (the crate's doc folder). */
export function extractDocs(docDir: string, crateDir: string, crateName: string): DocItem[] {
  const byKey = new Map<string, DocItem>();
  const rootName = crateName.replace(/-/g, '_');
  for (const page of walk(docDir).sort()) {
    const html = readFileSync(page, 'utf8');
    // A redirect page (a re-export not inlined) has no content of its own.
    if (!html.includes('id="main-content"')) continue;
    const rel = relative(docDir, page).split(sep);
    const file = rel.pop()!;
    const [, kind, name] = /^(struct|enum|union)\.(.+)\.html$/.exec(file)!;
    const path = [rootName, ...rel, name].join('::');
    const src = /<a class="src" href="(?:\.\.\/)*src\/[^/]+\/([^"#]+)\.html#(\d+)(?:-(\d+))?"/.exec(html);
    const srcFile = src ? sourceFile(crateDir, decodeURIComponent(src[1])) : undefined;
    const lines: [number, number] | undefined = src ? [Number(src[2]), Number(src[3] ?? src[2])] : undefined;
    const key = srcFile && lines ? `${srcFile}:${lines[0]}:${name}` : path;
    const existing = byKey.get(key);
    if (existing) {
      existing.pages.push(path);
      continue;
    }
    const decl = /<pre class="rust item-decl">([\s\S]*?)<\/pre>/.exec(html);
    const params = decl ? parseDeclaration(headerText(decl[1])) : [];
    const where = decl ? declarationWhere(headerText(decl[1])) : [];
    const impls: DocImpl[] = [];
    const synthStart = html.indexOf('id="synthetic-implementations-list"');
    const sectionRe = /<section id="impl-[^"]*" class="impl">[\s\S]*?<h3 class="code-header">([\s\S]*?)<\/h3>/g;
    for (let m = sectionRe.exec(html); m; m = sectionRe.exec(html)) {
      const text = headerText(m[1]);
      const parsed = parseImplHeader(text);
      if (!parsed || (parsed.trait !== 'Send' && parsed.trait !== 'Sync')) continue;
      impls.push({
        trait: parsed.trait,
        negative: parsed.negative,
        synthetic: synthStart >= 0 && m.index > synthStart,
        text,
      });
    }
    byKey.set(key, {
      path,
      pages: [path],
      name,
      kind: kind as DocItem['kind'],
      file: srcFile,
      lines,
      params,
      ...(where.length ? { where } : {}),
      impls,
    });
  }
  return [...byKey.values()];
}

/** Extraction format version: bump when `extractDocs` changes, so caches are rebuilt. */
export const EXTRACT_VERSION = 3;
