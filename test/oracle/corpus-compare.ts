// Compares the engine with rustdoc on one real crate: reads rustdoc's Send/Sync impls of each type
// (corpus-rustdoc.ts) as a verdict over the type's own parameters, runs the engine on every source
// file, pairs the engine's types with rustdoc's by declaring file, line and name, and classifies
// each (type, trait) the engine reports as correct, wrong, unknown or not matched.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Engine, FileAnalysis } from '../../server/src/engine';
import type { TypeReport } from '../../server/src/model/report';
import { renderAtom } from '../../server/src/model/conditions';
import { verdictFields } from '../../server/src/present/verdict-text';
import { KNOWN_TYPES, lookupKnownType, PRIMITIVES as STD_PRIMITIVES } from '../../server/src/model/known-types';
import { closingAngle, parseImplHeader, splitTop, type DocItem, type DocParam } from './corpus-rustdoc';

export type Trait = 'Send' | 'Sync';

/** rustdoc's verdict in the engine's terms; `exact: false` when an atom could not be reduced to
 * the type's own parameters (then `requires` holds the unreduced text, for reading only). */
export interface DocVerdict {
  status: 'yes' | 'no' | 'conditional';
  requires: string[];
  exact: boolean;
  /** The impl headers it was read from. */
  from: string[];
}

type Reduced = { kind: 'no' } | { kind: 'atoms'; atoms: string[] } | { kind: 'inexact'; text: string };

/** Primitives, and the unit and never types: Send and Sync. */
const PRIMITIVES = new Set([...STD_PRIMITIVES, '()', '!']);

const lastSegment = (path: string) => path.split('::').pop()!.trim();

/** `T: Send + Sync` and `T:Send` alike become `T: Send`, `T: Sync`. */
export function normalizeAtoms(atoms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const a of atoms) {
    const eq = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(a);
    if (eq) {
      out.add(`${eq[1]} = ${eq[2].replace(/\s+/g, ' ')}`);
      continue;
    }
    const i = a.lastIndexOf(':');
    if (i < 0 || a[i - 1] === ':') {
      out.add(a.trim().replace(/\s+/g, ' '));
      continue;
    }
    const lhs = a.slice(0, i).trim().replace(/\s+/g, ' ');
    for (const b of a.slice(i + 1).split('+')) out.add(`${lhs}: ${b.trim()}`);
  }
  return [...out].sort();
}

/** Reads rustdoc's impls on the crate's pages into verdicts, reducing `Other<T>: Send` atoms
 * through the crate's own pages and the std table. */
export class DocVerdicts {
  private readonly byPath = new Map<string, DocItem>();
  private readonly memo = new Map<string, DocVerdict | undefined>();
  private readonly active = new Set<string>();

  constructor(items: readonly DocItem[]) {
    for (const item of items) for (const p of item.pages) this.byPath.set(p, item);
  }

  verdict(item: DocItem, trait: Trait): DocVerdict | undefined {
    const key = `${item.pages[0]}#${trait}`;
    if (this.memo.has(key)) return this.memo.get(key);
    // A cycle through where clauses: coinductive, so the inner occurrence holds.
    if (this.active.has(key)) return { status: 'yes', requires: [], exact: true, from: [] };
    this.active.add(key);
    try {
      const v = this.compute(item, trait);
      this.memo.set(key, v);
      return v;
    } finally {
      this.active.delete(key);
    }
  }

  private compute(item: DocItem, trait: Trait): DocVerdict | undefined {
    let impls = item.impls.filter((i) => i.trait === trait);
    if (impls.length === 0) return undefined;
    // A manual impl replaces the auto rule for every instantiation; rustdoc may still show a
    // synthetic `impl<T> !Send` beside `impl Send for X<u8>`, which the manual impl overrides.
    if (impls.some((i) => !i.synthetic)) impls = impls.filter((i) => !i.synthetic);
    const from = impls.map((i) => i.text);
    if (impls.some((i) => i.negative)) return { status: 'no', requires: [], exact: impls.length === 1, from };
    if (impls.length > 1) return { status: 'conditional', requires: from, exact: false, from };
    const parsed = parseImplHeader(impls[0].text);
    if (!parsed) return { status: 'conditional', requires: from, exact: false, from };
    const atoms: string[] = [];
    const inexact: string[] = [];
    let never = false;
    // The impl's parameter names, mapped onto the declaration's by position in `for X<A, B>`.
    const rename = new Map<string, string>();
    const implParams = new Set(parsed.generics.map((g) => g.name));
    /** `T = L::Target` (`for List<L, L::Target>`): read once the parameters' bounds are known. */
    const equals: [string, string][] = [];
    if (parsed.selfArgs.length !== item.params.length && parsed.selfArgs.length > 0) {
      inexact.push(
        `arguments ${parsed.selfArgs.join(', ')} vs parameters ${item.params.map((p) => p.name).join(', ')}`,
      );
    } else {
      parsed.selfArgs.forEach((arg, i) => {
        const p = item.params[i];
        if (p.kind === 'lifetime') return;
        if (implParams.has(arg)) rename.set(arg, p.name);
        else equals.push([p.name, arg]);
      });
    }
    const subst = (text: string) => text.replace(/\b[A-Za-z_]\w*\b/g, (w) => rename.get(w) ?? w);
    // rustdoc copies a manual impl's `R::GuardMarker` as written; its synthetic impls say
    // `<R as RawMutex>::GuardMarker`. The short form is qualified by the parameter's one trait bound.
    const boundsOf = (param: string) => [
      ...(item.params.find((p) => p.name === param)?.bounds ?? []),
      ...parsed.generics.filter((g) => rename.get(g.name) === param).flatMap((g) => g.bounds),
      ...parsed.where.filter(([l]) => subst(l.trim()) === param).flatMap(([, b]) => b),
    ];
    // Inside a nested projection too: `<A::PointerOps as PointerOps>::Pointer`.
    const qualify = (lhs: string) =>
      lhs.replace(/(?<![\w:>])(\w+)::(\w+)\b/g, (whole: string, param: string, assoc: string) => {
        if (!item.params.some((p) => p.kind === 'type' && p.name === param)) return whole;
        const traits = new Set(
          boundsOf(param)
            .map((b) => b.trim())
            .filter((b) => !b.startsWith("'") && !b.startsWith('?'))
            .map((b) => lastSegment(b.replace(/<[\s\S]*$/, '')))
            .filter((b) => b !== 'Send' && b !== 'Sync' && b !== 'Sized'),
        );
        return traits.size === 1 ? `<${param} as ${[...traits][0]}>::${assoc}` : whole;
      });
    // The declaration's own where clauses on projections (`A::LinkOps: LinkedListOps`) always hold.
    const declaredWhere = new Set(
      (item.where ?? []).flatMap(([l, bs]) => bs.map((b) => `${qualify(l.trim())}: ${lastSegment(b.trim())}`)),
    );
    for (const [param, arg] of equals) atoms.push(`${param} = ${qualify(subst(arg))}`);
    const preds: [string, string[]][] = [
      ...parsed.generics.filter((g) => g.kind === 'type').map((g): [string, string[]] => [g.name, g.bounds]),
      ...parsed.where,
    ];
    for (const [lhsRaw, bounds] of preds) {
      const lhs = qualify(subst(lhsRaw.trim()));
      for (const boundRaw of bounds) {
        const bound = boundRaw.trim();
        if (bound.startsWith("'") || bound.startsWith('?')) continue;
        const traitName = lastSegment(bound.replace(/<[\s\S]*$/, ''));
        const declared = item.params.find((p) => p.name === lhs);
        if (declared?.bounds.some((b) => lastSegment(b.replace(/<[\s\S]*$/, '')) === traitName)) continue;
        if (traitName !== 'Send' && traitName !== 'Sync') {
          // Another trait on a parameter is a condition of its own (`R: RawMutex` on an impl for
          // `Mutex<R, T>` whose declaration does not require it), and so is one on a parameter's
          // associated type, unless the declaration requires it; on anything else, unreadable.
          if (declared?.kind === 'type') atoms.push(`${lhs}: ${bound}`);
          else if (projectionOf(lhs, item.params) && declaredWhere.has(`${lhs}: ${traitName}`)) continue;
          else if (projectionOf(lhs, item.params)) atoms.push(`${lhs}: ${bound}`);
          else inexact.push(`${lhs}: ${bound}`);
          continue;
        }
        const r = this.reduce(lhs, traitName, item.params, 0);
        if (r.kind === 'no') never = true;
        else if (r.kind === 'atoms') atoms.push(...r.atoms);
        else inexact.push(r.text);
      }
    }
    if (never) return { status: 'no', requires: [], exact: inexact.length === 0, from };
    if (inexact.length)
      return { status: 'conditional', requires: [...normalizeAtoms(atoms), ...inexact], exact: false, from };
    const requires = normalizeAtoms(atoms);
    return { status: requires.length ? 'conditional' : 'yes', requires, exact: true, from };
  }

  /** `ty: trait` over the parameters `params`, as atoms over those parameters. */
  reduce(tyRaw: string, trait: Trait, params: readonly DocParam[], depth: number): Reduced {
    const ty = tyRaw.trim().replace(/\s+/g, ' ');
    const inexact: Reduced = { kind: 'inexact', text: `${ty}: ${trait}` };
    if (depth > 12) return inexact;
    const p = params.find((q) => q.kind === 'type' && q.name === ty);
    if (p) {
      if (p.bounds.some((b) => lastSegment(b) === trait)) return { kind: 'atoms', atoms: [] };
      return { kind: 'atoms', atoms: [`${ty}: ${trait}`] };
    }
    if (PRIMITIVES.has(ty)) return { kind: 'atoms', atoms: [] };
    // `<R as RawMutex>::GuardMarker`: a condition of its own, as the engine states it.
    if (projectionOf(ty, params)) return { kind: 'atoms', atoms: [`${ty}: ${trait}`] };
    const ref = /^&(?:'\w+ )?(mut )?(.*)$/.exec(ty);
    if (ref) return this.reduce(ref[2], ref[1] || trait === 'Sync' ? trait : 'Sync', params, depth + 1);
    if (/^\*(const|mut) /.test(ty)) return { kind: 'no' };
    if (/^(unsafe )?(extern "[^"]*" )?fn\s*\(/.test(ty)) return { kind: 'atoms', atoms: [] };
    if (ty.startsWith('(') && ty.endsWith(')')) return this.all(splitTop(ty.slice(1, -1), ','), trait, params, depth);
    if (ty.startsWith('[') && ty.endsWith(']'))
      return this.reduce(splitTop(ty.slice(1, -1), ';')[0], trait, params, depth + 1);
    if (/^(dyn|impl) /.test(ty)) {
      const bounds = splitTop(ty.replace(/^(dyn|impl) /, ''), '+').map((b) => lastSegment(b));
      return bounds.includes(trait) ? { kind: 'atoms', atoms: [] } : inexact;
    }
    const lt = ty.indexOf('<');
    const path = lt < 0 ? ty : ty.slice(0, lt);
    if (!/^[\w:]+$/.test(path)) return inexact;
    const args = (lt < 0 ? [] : splitTop(ty.slice(lt + 1, closingAngle(ty, lt)), ',')).filter(
      (a) => !a.startsWith("'"),
    );
    const own = this.byPath.get(path);
    if (own) {
      const v = this.verdict(own, trait);
      if (!v?.exact) return inexact;
      if (v.status === 'no') return { kind: 'no' };
      const typeParams = own.params.filter((q) => q.kind !== 'lifetime');
      return this.substitute(
        v.requires,
        typeParams.map((q) => q.name),
        args,
        params,
        depth,
        inexact,
      );
    }
    const known =
      lookupKnownType(path.replace(/^(core|alloc)::/, 'std::')) ??
      (() => {
        const byName = KNOWN_TYPES.filter((k) => lastSegment(k.path) === lastSegment(path));
        return byName.length === 1 && /^(std|core|alloc)::/.test(path) ? byName[0] : undefined;
      })();
    if (known) {
      const rule = trait === 'Send' ? known.send : known.sync;
      if (rule === 'yes') return { kind: 'atoms', atoms: [] };
      if (rule === 'no') return { kind: 'no' };
      return this.substitute(rule.map(renderAtom), known.params, args, params, depth, inexact);
    }
    return inexact;
  }

  private substitute(
    rule: readonly string[],
    names: readonly string[],
    args: readonly string[],
    params: readonly DocParam[],
    depth: number,
    inexact: Reduced,
  ): Reduced {
    const parts: Reduced[] = [];
    for (const atom of rule) {
      const m = /^(\w+): (Send|Sync)$/.exec(atom);
      const i = m ? names.indexOf(m[1]) : -1;
      if (!m || i < 0 || i >= args.length) return inexact;
      parts.push(this.reduce(args[i], m[2] as Trait, params, depth + 1));
    }
    return combine(parts);
  }

  private all(types: readonly string[], trait: Trait, params: readonly DocParam[], depth: number): Reduced {
    return combine(types.map((t) => this.reduce(t, trait, params, depth + 1)));
  }
}

/**
 * Whether `ty` is an associated type of one of `params`, however deep (`<R as RawMutex>::GuardMarker`,
 * `<<A as Adapter>::LinkOps as LinkOps>::LinkPtr`).
 */
function projectionOf(ty: string, params: readonly DocParam[]): boolean {
  const m = /^<+(\w+) as [\w:<>, ]+>::\w+$/.exec(ty);
  return !!m && params.some((q) => q.kind === 'type' && q.name === m[1]);
}

function combine(parts: readonly Reduced[]): Reduced {
  if (parts.some((p) => p.kind === 'no')) return { kind: 'no' };
  const inexact = parts.find((p) => p.kind === 'inexact');
  if (inexact) return inexact;
  return { kind: 'atoms', atoms: parts.flatMap((p) => (p.kind === 'atoms' ? p.atoms : [])) };
}

export type Outcome = 'correct' | 'wrong' | 'unknown' | 'not-matched' | 'unchecked';

export interface CaseRecord {
  crate: string;
  outcome: Outcome;
  trait: Trait;
  /** rustdoc's path for the type (first page), when matched. */
  type?: string;
  enginePath: string;
  file: string;
  line: number;
  engine: string;
  rustdoc?: string;
  rustdocImpls?: string[];
  engineReasons: string[];
}

export interface CrateComparison {
  crate: string;
  counts: Record<Outcome, number>;
  /** Types rustdoc documents that no engine report matched (macro-generated, for instance). */
  docOnly: string[];
  files: number;
  cases: CaseRecord[];
}

export const render = (v: { status: string; requires: readonly string[] }) =>
  v.status === 'conditional' ? `if ${v.requires.join(', ')}` : v.status;

/** Classifies one engine verdict against rustdoc's. */
/** `engine`: an engine verdict as text (present/verdict-text's verdictFields). */
export function classify(
  engine: { status: string; requires: readonly string[] },
  doc: DocVerdict | undefined,
): Outcome {
  if (!doc) return 'not-matched';
  if (engine.status === 'unknown') return 'unknown';
  if (!doc.exact) return 'unchecked';
  if (engine.status !== doc.status) return 'wrong';
  const b = normalizeAtoms(doc.requires);
  // `unsafe impl<S: Schedule> Send` with `trait Schedule: Sync`: the engine states `S: Sync` too,
  // which rustdoc leaves implied by the bound it prints.
  const a = normalizeAtoms(engine.requires).filter((x) => {
    const m = /^(\w+): (Send|Sync)$/.exec(x);
    if (!m || b.includes(x)) return true;
    const bounds = (list: string[]) => list.filter((y) => y.startsWith(`${m[1]}: `) && !/: (Send|Sync)$/.test(y));
    const ours = bounds(normalizeAtoms(engine.requires));
    return !(ours.length > 0 && ours.every((y) => b.includes(y)));
  });
  return a.length === b.length && a.every((x, i) => x === b[i]) ? 'correct' : 'wrong';
}

function rustFiles(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) rustFiles(p, out);
    else if (e.name.endsWith('.rs')) out.push(p);
  }
  return out;
}

/** Runs the engine on the crate's library sources (`src/`) and classifies every verdict. */
export function compareCrate(
  engine: Engine,
  crate: string,
  crateDir: string,
  items: readonly DocItem[],
  /** Crate-wide analysis of a file (modules, dependencies), when the comparison runs in that mode. */
  analyzeInCrate?: (abs: string) => FileAnalysis | undefined,
): CrateComparison {
  const verdicts = new DocVerdicts(items);
  const counts: Record<Outcome, number> = { correct: 0, wrong: 0, unknown: 0, 'not-matched': 0, unchecked: 0 };
  const cases: CaseRecord[] = [];
  const matched = new Set<DocItem>();
  const byFile = new Map<string, DocItem[]>();
  for (const item of items) if (item.file) byFile.set(item.file, [...(byFile.get(item.file) ?? []), item]);
  const files = rustFiles(join(crateDir, 'src')).sort();
  for (const abs of files) {
    const file = relative(crateDir, abs).split(sep).join('/');
    const analysis = analyzeInCrate?.(abs) ?? engine.analyze(readFileSync(abs, 'utf8'));
    const docs = byFile.get(file) ?? [];
    for (const t of analysis.types) {
      const item = matchItem(t, docs);
      if (item) matched.add(item);
      for (const trait of ['Send', 'Sync'] as const) {
        const ev = verdictFields(trait === 'Send' ? t.send : t.sync);
        const dv = item ? verdicts.verdict(item, trait) : undefined;
        const outcome = classify(ev, dv);
        counts[outcome]++;
        cases.push({
          crate,
          outcome,
          trait,
          type: item?.path,
          enginePath: t.path,
          file,
          line: t.nameRange.start.line + 1,
          engine: render(ev) + (ev.source === 'auto' ? '' : ` (${ev.source})`),
          rustdoc: dv && render(dv),
          rustdocImpls: dv?.from,
          engineReasons: ev.reasons,
        });
      }
    }
  }
  const docOnly = items
    .filter((i) => !matched.has(i))
    .map((i) => `${i.path}${i.file ? ` (${i.file}:${i.lines?.[0]})` : ''}`);
  return { crate, counts, docOnly, files: files.length, cases };
}

/** rustdoc's item for an engine type in the same file: same name, declaration lines overlapping. */
function matchItem(t: TypeReport, docs: readonly DocItem[]): DocItem | undefined {
  const named = docs.filter((d) => d.name === t.name);
  const start = t.range.start.line + 1;
  const end = t.range.end.line + 1;
  const overlapping = named.filter((d) => d.lines && d.lines[0] <= end && start <= d.lines[1]);
  if (overlapping.length === 1) return overlapping[0];
  return undefined;
}
