// Generates the std table's data from the rustdoc HTML installed with the toolchain
// (`$(rustc --print sysroot)/share/doc/rust/html`): every struct, enum and union page of std,
// core and alloc (and proc_macro's), read for its declaration (the parameters, their bounds and
// defaults) and its Send/Sync impls (the "Auto Trait Implementations" rustc derives and the impls
// written in the source), plus the public type aliases and the modules' re-exports. An impl whose
// conditions are not plain `P: Send` / `P: Sync` atoms on the type's own parameters (a projection
// such as `<B as ToOwned>::Owned: Send`, a bound of another trait, an impl for one instantiation)
// is not translated: the type is listed as omitted, with the reason, and stays `unknown` in the
// engine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { closingAngle, headerText, parseImplHeader, parseWhere, splitTop } from './corpus-rustdoc';
import { REPO_ROOT } from './rust-items';
import {
  PRIMITIVES as STD_PRIMITIVES,
  type GeneratedRow,
  type GeneratedTable,
  type OmittedRow,
  type WrittenRule,
} from '../../server/src/model/known-types';

export type { GeneratedRow, GeneratedTable };

/** The committed output. */
export const STD_TABLE_FILE = join(REPO_ROOT, 'server', 'src', 'model', 'std-table.json');

interface DeclParam {
  kind: 'lifetime' | 'type' | 'const';
  name: string;
  bounds: string[];
  default?: string;
  /** A const parameter's type (`usize`). */
  constType?: string;
}

interface Impl {
  trait: 'Send' | 'Sync';
  synthetic: boolean;
  text: string;
}

/** One definition, with every page (path) that shows it. */
interface Item {
  kind: 'struct' | 'enum' | 'union' | 'type';
  paths: string[];
  params: DeclParam[];
  unstable: boolean;
  impls: Impl[];
  /** A type alias's right-hand side, as text (links replaced by full paths). */
  aliasOf?: string;
}

/** std's three crates, and proc_macro (the other crate of the sysroot that code names: a proc macro's types). */
const ROOTS = ['std', 'alloc', 'core', 'proc_macro'];
/** Primitives (with the unstable `f16`, `f128` the docs name), and the unit and never types: Send and Sync. */
const PRIMITIVES = new Set([...STD_PRIMITIVES, 'f16', 'f128', '()', '!']);

/** The installed docs folder, if the toolchain has the rust-docs component. */
export function stdDocsDir(sysroot: string): string | undefined {
  const dir = join(sysroot, 'share', 'doc', 'rust', 'html');
  return ROOTS.every((r) => existsSync(join(dir, r, 'index.html'))) ? dir : undefined;
}

/**
 * The installed docs of the toolchain `rustc` runs and its version (what a generated table
 * records), or why there are none.
 */
export function installedStdDocs(): { docs: string; version: string } | { missing: string } {
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const docs = stdDocsDir(sysroot);
  if (!docs) return { missing: `no std docs under ${sysroot}/share/doc/rust/html (rustup component add rust-docs)` };
  return { docs, version: execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim() };
}

/**
 * Why a committed table cannot be compared with its generator's output here (no docs, another
 * toolchain), or the docs and version to generate it from.
 */
export function regenerable(toolchain: string): { docs: string; version: string } | { skip: string } {
  const installed = installedStdDocs();
  if ('missing' in installed) return { skip: installed.missing };
  if (installed.version !== toolchain)
    return { skip: `the table comes from ${toolchain}, the installed toolchain is ${installed.version}` };
  return installed;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/^(struct|enum|union|type)\..+\.html$/.test(e.name) || e.name === 'index.html') out.push(p);
  }
  return out;
}

/** Orders a type's paths: std before alloc before core (before proc_macro), then fewer segments, then by text. */
function comparePaths(a: string, b: string): number {
  const ra = ROOTS.indexOf(a.split('::')[0]);
  const rb = ROOTS.indexOf(b.split('::')[0]);
  if (ra !== rb) return ra - rb;
  const la = a.split('::').length;
  const lb = b.split('::').length;
  if (la !== lb) return la - lb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A declaration's generic list (`'a, T: Send + 'a, A = Global, const N: usize`). */
function parseParams(list: string): DeclParam[] {
  return splitTop(list, ',').map((p): DeclParam => {
    if (p.startsWith("'")) return { kind: 'lifetime', name: p.split(':')[0].trim(), bounds: [] };
    const c = /^const\s+(\w+)\s*:\s*([^=]+?)\s*(?:=|$)/.exec(p);
    if (c) return { kind: 'const', name: c[1], bounds: [], constType: c[2] };
    const [head, ...dflt] = splitTop(p, '=');
    const [name, ...rest] = splitTop(head, ':');
    const param: DeclParam = {
      kind: 'type',
      name: name.trim(),
      bounds: rest.length ? splitTop(rest.join(':'), '+') : [],
    };
    if (dflt.length) param.default = dflt.join('=').trim();
    return param;
  });
}

/** `pub struct X<T: Send>(..) where ..;` or `pub type X<T> = Y<T>;`: its parameters and where clause. */
function parseDecl(text: string, kind: Item['kind']): { params: DeclParam[]; aliasOf?: string } {
  const m = new RegExp(`\\b${kind}\\s+\\w+\\s*`).exec(text);
  if (!m) return { params: [] };
  let after = text.slice(m.index + m[0].length);
  let params: DeclParam[] = [];
  if (after.startsWith('<')) {
    const close = closingAngle(after, 0);
    params = parseParams(after.slice(1, close));
    after = after.slice(close + 1);
  }
  if (kind === 'type') {
    const eq = /^\s*(?:where\b[\s\S]*?)?=\s*([\s\S]*?);/.exec(after);
    return { params, aliasOf: eq?.[1].trim() };
  }
  // A where clause follows the generics (and, for tuple structs, the fields).
  const w = /\bwhere\b([\s\S]*?)(?:\{|;|$)/.exec(after.replace(/\/\*[\s\S]*?\*\//g, ''));
  if (w) {
    for (const [lhs, bounds] of parseWhere(w[1])) {
      const p = params.find((q) => q.name === lhs.trim());
      if (p) p.bounds.push(...bounds);
    }
  }
  return { params };
}

const lastSegment = (path: string) =>
  path
    .replace(/<[\s\S]*$/, '')
    .split('::')
    .pop()!
    .trim();

/** Reads every page of the ROOTS crates; items are keyed by their source location. */
function readItems(docDir: string): { items: Item[]; reexports: Reexport[] } {
  const byKey = new Map<string, Item>();
  const reexports: Reexport[] = [];
  for (const root of ROOTS) {
    for (const page of walk(join(docDir, root)).sort()) {
      const rel = relative(docDir, page).split(sep);
      const file = rel.pop()!;
      const html = readFileSync(page, 'utf8');
      if (!html.includes('id="main-content"')) continue; // a redirect page
      if (file === 'index.html') {
        reexports.push(...readReexports(html, rel));
        continue;
      }
      const [, kind, name] = /^(struct|enum|union|type)\.(.+)\.html$/.exec(file)!;
      const path = [...rel, name].join('::');
      // The definition's file and first line (pages differ on the span: `#169` or `#169-180`).
      const src = /<a class="src" href="((?:\.\.\/)*src\/[^"#]+)#(\d+)/.exec(html);
      const key = src ? `${posix.normalize(posix.join(rel.join('/'), src[1]))}#${src[2]} ${kind}.${name}` : path;
      const existing = byKey.get(key);
      if (existing) {
        existing.paths.push(path);
        continue;
      }
      const declHtml = /<pre class="rust item-decl">([\s\S]*?)<\/pre>/.exec(html);
      const decl = declHtml ? parseDecl(headerText(declHtml[1]), kind as Item['kind']) : { params: [] };
      const top = html.slice(declHtml ? declHtml.index : 0, html.indexOf('<details class="toggle top-doc"') >>> 0);
      const impls: Impl[] = [];
      const synthStart = html.indexOf('id="synthetic-implementations-list"');
      const sectionRe =
        /<section id="impl-(?:Send|Sync)-for[^"]*" class="impl">[\s\S]*?<h3 class="code-header">([\s\S]*?)<\/h3>/g;
      for (let s = sectionRe.exec(html); s; s = sectionRe.exec(html)) {
        const text = headerText(s[1]);
        const parsed = parseImplHeader(text);
        if (!parsed || (parsed.trait !== 'Send' && parsed.trait !== 'Sync')) continue;
        impls.push({ trait: parsed.trait, synthetic: synthStart >= 0 && s.index > synthStart, text });
      }
      byKey.set(key, {
        kind: kind as Item['kind'],
        paths: [path],
        params: decl.params,
        aliasOf: decl.aliasOf,
        // An item of a crate the sysroot bundles (its source on docs.rs: proc_macro's
        // `EscapeError`) is unstable to name, whatever its page says.
        unstable: top.includes('class="stab unstable"') || /<a class="src" href="https?:/.test(html),
        impls,
      });
    }
  }
  return { items: [...byKey.values()], reexports };
}

/** `pub use a::b::C;` (an alias of one item) or `pub use a::b::*;` (of a module's items). */
interface Reexport {
  module: string;
  target: string;
  name: string;
  glob: boolean;
}

/** A module page's non-inlined re-exports, their paths made absolute. */
function readReexports(html: string, module: string[]): Reexport[] {
  const out: Reexport[] = [];
  const re = /<code>pub use ([\s\S]*?);<\/code>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const text = headerText(m[1]);
    const u = /^([\w:]+?)(?:::\*|(?: as (\w+))?)$/.exec(text);
    if (!u) continue;
    const segs = u[1].split('::');
    let base: string[];
    if (segs[0] === 'crate') base = [module[0], ...segs.slice(1)];
    else if (segs[0] === 'self') base = [...module, ...segs.slice(1)];
    else if (segs[0] === 'super') {
      base = module.slice(0, -1);
      let i = 1;
      for (; segs[i] === 'super'; i++) base = base.slice(0, -1);
      base = [...base, ...segs.slice(i)];
    } else if (ROOTS.includes(segs[0])) base = segs;
    else base = [...module, ...segs];
    const glob = text.endsWith('::*');
    out.push({
      module: module.join('::'),
      target: base.join('::'),
      name: glob ? '*' : (u[2] ?? base[base.length - 1]),
      glob,
    });
  }
  return out;
}

type Outcome = { rule: WrittenRule } | { omit: string };

/** The rule of one trait for `item`, from its impls, or why it cannot be stated as atoms. */
function ruleFor(item: Item, trait: 'Send' | 'Sync', rowOf: (path: string) => GeneratedRow | undefined): Outcome {
  let impls = item.impls.filter((i) => i.trait === trait);
  if (impls.length === 0) return { omit: `its page shows no \`${trait}\` impl` };
  // A written impl replaces the auto rule.
  if (impls.some((i) => !i.synthetic)) impls = impls.filter((i) => !i.synthetic);
  if (impls.length > 1) return { omit: `it has ${impls.length} \`${trait}\` impls, for different instantiations` };
  const parsed = parseImplHeader(impls[0].text)!;
  const shown = `\`${impls[0].text}\``;
  // The impl's parameter names, mapped onto the declaration's by position in `for X<A, B>`.
  const rename = new Map<string, DeclParam>();
  if (parsed.selfArgs.length !== item.params.length) return { omit: `its impl ${shown} does not name every parameter` };
  const implNames = new Set(parsed.generics.map((g) => g.name));
  for (const [i, arg] of parsed.selfArgs.entries()) {
    const p = item.params[i];
    if (p.kind === 'lifetime') continue;
    if (!implNames.has(arg) || rename.has(arg)) return { omit: `its impl ${shown} is for one instantiation` };
    rename.set(arg, p);
  }
  if (parsed.negative) return { rule: 'no' };
  const atoms = new Set<string>();
  const preds: [string, string[]][] = [
    ...parsed.generics.filter((g) => g.kind === 'type').map((g): [string, string[]] => [g.name, g.bounds]),
    ...parsed.where,
  ];
  for (const [lhsRaw, bounds] of preds) {
    const lhs = lhsRaw.trim();
    const p = rename.get(lhs);
    for (const b of bounds.map((x) => x.trim())) {
      if (b.startsWith('?')) continue;
      if (!p) {
        if (b.startsWith("'")) continue;
        return { omit: `its \`${trait}\` impl needs \`${lhs}: ${b}\`, which is not a condition on a parameter` };
      }
      if (p.kind !== 'type') return { omit: `its impl ${shown} bounds a const parameter` };
      // A lifetime bound the declaration already implies (`T: 'a` with `'a` a parameter).
      if (b.startsWith("'")) {
        if (b !== "'static" && item.params.some((q) => q.kind === 'lifetime' && q.name === b)) continue;
        return { omit: `its \`${trait}\` impl needs \`${p.name}: ${b}\`` };
      }
      if (b === 'Send' || b === 'Sync') {
        atoms.add(`${p.name}: ${b}`);
        continue;
      }
      // A bound the declaration itself puts on the parameter holds for every instantiation.
      if (p.bounds.some((d) => lastSegment(d) === lastSegment(b))) continue;
      return { omit: `its \`${trait}\` impl needs \`${p.name}: ${b}\`, a bound this table does not model` };
    }
  }
  // A parameter left out takes its default, which the engine reads as Send and Sync: check it is.
  for (const atom of atoms) {
    const p = item.params.find((q) => q.name === atom.split(':')[0]);
    if (p?.default !== undefined && !surelySendSync(p.default, rowOf))
      return { omit: `the default \`${p.name} = ${p.default}\` is not known to be Send and Sync` };
  }
  return { rule: atoms.size ? [...atoms].sort() : 'yes' };
}

function surelySendSync(ty: string, rowOf: (path: string) => GeneratedRow | undefined): boolean {
  if (PRIMITIVES.has(ty) || /^(unsafe )?(extern "[^"]*" )?fn\s*\(/.test(ty)) return true;
  if (!/^[\w:]+$/.test(ty)) return false;
  const row = rowOf(ty);
  return row?.send === 'yes' && row.sync === 'yes';
}

/** The key every spelling of a path is looked up by: `core::`/`alloc::` read as `std::`. */
export const normalizeStdPath = (path: string) => path.replace(/^::/, '').replace(/^(core|alloc)::/, 'std::');

/** Whether `path` exists when compiling for x86_64 Linux (the docs also show other targets'). */
function nameableOnLinux(path: string): boolean {
  const arch = /::arch::(\w+)::/.exec(path);
  if (arch && arch[1] !== 'x86_64') return false;
  const os = /::os::(\w+)::/.exec(path);
  return !os || ['unix', 'linux', 'fd', 'raw'].includes(os[1]);
}

/** A probe-able instantiation: `'static` lifetimes, `$i` for each type parameter. */
function sampleFor(item: Item): string | undefined {
  const path = item.paths.find(nameableOnLinux);
  if (item.unstable || !path) return undefined;
  let index = 0;
  const args: string[] = [];
  // Trailing parameters with defaults and bounds are left out (`Vec<T, A = Global>` as `Vec<T>`).
  const bounded = (p: DeclParam) => p.bounds.some((b) => !b.startsWith('?') && !b.startsWith("'"));
  let end = item.params.length;
  while (end > 0 && item.params[end - 1].default !== undefined && bounded(item.params[end - 1])) end--;
  for (const p of item.params.slice(0, end)) {
    if (p.kind === 'lifetime') args.push("'static");
    else if (p.kind === 'const') {
      if (p.constType === 'usize') args.push('1');
      else if (p.constType === 'bool') args.push('true');
      else return undefined;
    } else {
      // A parameter with a trait bound cannot take a probe.
      if (bounded(p)) return undefined;
      args.push(`$${index++}`);
    }
  }
  return args.length ? `${path}<${args.join(', ')}>` : path;
}

/** Reads the docs under `docDir` into the table; `toolchain` is recorded as its source. */
export function generateStdTable(docDir: string, toolchain: string): GeneratedTable {
  const { items, reexports } = readItems(docDir);
  for (const item of items) item.paths.sort(comparePaths);
  items.sort((a, b) => comparePaths(a.paths[0], b.paths[0]));

  const rows = new Map<Item, GeneratedRow>();
  const omitted = new Map<Item, OmittedRow>();
  const byKey = new Map<string, Item>();
  for (const item of items)
    for (const p of item.paths) if (!byKey.has(normalizeStdPath(p))) byKey.set(normalizeStdPath(p), item);
  const rowOf = (path: string) => {
    const item = byKey.get(normalizeStdPath(path));
    return item ? rows.get(item) : undefined;
  };
  const typeParams = (item: Item) => item.params.filter((p) => p.kind === 'type').map((p) => p.name);
  const constPositions = (item: Item) =>
    item.params.filter((p) => p.kind !== 'lifetime').flatMap((p, i) => (p.kind === 'const' ? [i] : []));

  // Structs, enums and unions first; a type whose default names another (`A = Global`) is read
  // after that one, so the passes repeat while they make progress.
  const adts = items.filter((i) => i.kind !== 'type');
  for (let pending = adts; pending.length;) {
    const next: Item[] = [];
    for (const item of pending) {
      const send = ruleFor(item, 'Send', rowOf);
      const sync = ruleFor(item, 'Sync', rowOf);
      if ('rule' in send && 'rule' in sync) rows.set(item, makeRow(item, send.rule, sync.rule));
      else next.push(item);
    }
    if (next.length === pending.length) {
      for (const item of next) {
        const send = ruleFor(item, 'Send', rowOf);
        const sync = ruleFor(item, 'Sync', rowOf);
        const reason = 'omit' in send ? send.omit : 'omit' in sync ? sync.omit : '';
        omitted.set(item, { path: item.paths[0], reason });
      }
      break;
    }
    pending = next;
  }

  function makeRow(item: Item, send: WrittenRule, sync: WrittenRule): GeneratedRow {
    const row: GeneratedRow = { path: item.paths[0], params: typeParams(item), send, sync };
    const consts = constPositions(item);
    if (consts.length) row.consts = consts;
    const sample = sampleFor(item);
    if (sample) row.sample = sample;
    return row;
  }

  // Type aliases: a primitive, or a table type whose arguments are the alias's parameters or
  // types that are Send and Sync.
  const aliases = items.filter((i) => i.kind === 'type');
  for (let pending = aliases; pending.length;) {
    const next: Item[] = [];
    for (const item of pending) {
      const r = aliasRule(item, rowOf, byKey);
      if ('wait' in r) next.push(item);
      else if ('omit' in r) omitted.set(item, { path: item.paths[0], reason: r.omit });
      else rows.set(item, makeRow(item, r.send, r.sync));
    }
    if (next.length === pending.length) {
      for (const item of next)
        omitted.set(item, { path: item.paths[0], reason: `it aliases \`${item.aliasOf}\`, which is omitted` });
      break;
    }
    pending = next;
  }

  // Every spelling: the other pages, then the re-exports that rustdoc did not inline.
  const extra = new Map<Item, Set<string>>();
  const addPath = (item: Item, path: string) => {
    const key = normalizeStdPath(path);
    if (byKey.has(key) && byKey.get(key) !== item) return;
    byKey.set(key, item);
    const set = extra.get(item) ?? new Set<string>();
    set.add(path);
    extra.set(item, set);
  };
  for (const item of items) for (const p of item.paths.slice(1)) addPath(item, p);
  for (let changed = true; changed;) {
    changed = false;
    const before = byKey.size;
    for (const r of reexports) {
      if (r.glob) {
        const prefix = `${normalizeStdPath(r.target)}::`;
        for (const [key, item] of [...byKey]) {
          if (key.startsWith(prefix) && !key.slice(prefix.length).includes('::'))
            addPath(item, `${r.module}::${key.slice(prefix.length)}`);
        }
      } else {
        const item = byKey.get(normalizeStdPath(r.target));
        if (item) addPath(item, `${r.module}::${r.name}`);
      }
    }
    changed = byKey.size !== before;
  }

  const withAliases = <T extends { path: string; aliases?: string[] }>(item: Item, row: T): T => {
    const own = normalizeStdPath(row.path);
    const seen = new Set([own]);
    const list: string[] = [];
    for (const p of [...(extra.get(item) ?? [])].sort(comparePaths)) {
      const key = normalizeStdPath(p);
      if (seen.has(key)) continue;
      seen.add(key);
      list.push(p);
    }
    return list.length ? { ...row, aliases: list } : row;
  };
  const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    toolchain,
    rows: [...rows].map(([item, row]) => withAliases(item, row)).sort(byPath),
    omitted: [...omitted].map(([item, row]) => withAliases(item, row)).sort(byPath),
  };
}

type AliasOutcome = { send: WrittenRule; sync: WrittenRule } | { omit: string } | { wait: true };

function aliasRule(
  item: Item,
  rowOf: (path: string) => GeneratedRow | undefined,
  byKey: Map<string, Item>,
): AliasOutcome {
  const rhs = item.aliasOf;
  if (!rhs) return { omit: 'its declaration could not be read' };
  if (PRIMITIVES.has(rhs)) return { send: 'yes', sync: 'yes' };
  const lt = rhs.indexOf('<');
  const path = lt < 0 ? rhs : rhs.slice(0, lt);
  if (!/^[\w:]+$/.test(path)) return { omit: `it aliases \`${rhs}\`, which is not a named type` };
  const target = byKey.get(normalizeStdPath(path));
  if (!target) return { omit: `it aliases \`${rhs}\`, which is not a std type with a page` };
  const row = rowOf(path);
  if (!row) return target.kind === 'type' ? { wait: true } : { omit: `it aliases \`${rhs}\`, which is omitted` };
  const args = (lt < 0 ? [] : splitTop(rhs.slice(lt + 1, closingAngle(rhs, lt)), ',')).filter(
    (a) => !a.startsWith("'"),
  );
  const own = item.params.filter((p) => p.kind === 'type').map((p) => p.name);
  const argOf = (param: string): string | undefined => {
    const i = row.params.indexOf(param);
    // Const arguments sit among the type arguments; skip them by position.
    const typeArgs = args.filter((_, j) => !(row.consts ?? []).includes(j));
    return typeArgs[i];
  };
  const translate = (rule: WrittenRule): WrittenRule | { omit: string } => {
    if (typeof rule === 'string') return rule;
    const atoms = new Set<string>();
    for (const atom of rule) {
      const [param, trait] = atom.split(': ');
      const arg = argOf(param);
      if (arg === undefined) continue; // left to its default, checked Send and Sync
      if (own.includes(arg)) atoms.add(`${arg}: ${trait}`);
      else if (!surelySendSync(arg, rowOf))
        return { omit: `it aliases \`${rhs}\`, whose \`${arg}\` is not known to be Send and Sync` };
    }
    return atoms.size ? [...atoms].sort() : 'yes';
  };
  const send = translate(row.send);
  const sync = translate(row.sync);
  if (typeof send === 'object' && 'omit' in send) return send;
  if (typeof sync === 'object' && 'omit' in sync) return sync;
  return { send, sync };
}

/** The table as the committed file's text: one row per line, sorted, so diffs stay readable. */
export function renderStdTable(table: GeneratedTable): string {
  const lines = (xs: readonly object[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
  return `{\n  "toolchain": ${JSON.stringify(table.toolchain)},\n  "rows": [\n${lines(table.rows)}\n  ],\n  "omitted": [\n${lines(table.omitted)}\n  ]\n}\n`;
}
