// Turns a verdict (`yes`, `no`, or "holds iff these atoms hold") into questions for rustc: which
// instantiations of a generic type to ask about (each type parameter at the four probes, the
// others at the Send+Sync probe, plus any instantiation an `T = u8` atom names), and what the
// verdict predicts at each one. Shared by the fixture runner and the differential test.
import { PROBES, type AutoTraitName, type OracleQuestion } from './rustc-oracle';
import type { GenericParam, TypeDecl } from './rust-items';

/** A type argument, with what the atoms need to know about it. */
export interface TypeArg {
  expr: string;
  send: boolean;
  sync: boolean;
}

export interface Instantiation {
  /** Type parameter name -> argument. */
  args: Map<string, TypeArg>;
  /** For messages: `T = __ProbeSendOnly`. */
  label: string;
}

export type Atom =
  | { kind: 'trait'; param: string; trait: AutoTraitName }
  /**
   * `R: Lock`, a trait of the crate: the probe types implement none, so it fails for them. On a
   * projection of `R` (`<R as Adapter>::Ops: Lock`), by the convention below, it is `R: Lock`.
   */
  | { kind: 'implements'; param: string; trait: string }
  | { kind: 'equals'; param: string; type: string }
  /**
   * `<R as Lock>::Marker: Send`: checked under the fixtures' convention that every trait with an
   * associated type has a blanket impl setting it to `Self`, so it holds exactly when `R: Send`
   * (a fixture that breaks the convention shows as a rustc disagreement, never as a pass). A
   * generic trait's blanket impl sets it to `Self` and the trait's arguments (`impl<T, Req>
   * Service<Req> for T { type Future = (T, Req); }`), and its arguments are types that are Send
   * (Sync) exactly when the parameters they name are (`Vec<R>`, `u8`), so
   * `<S as Service<Vec<R>>>::Future: Send` holds exactly when `S` and `R` are `Send`: a condition
   * restated with the wrong arguments is caught too. `args`: the parameters the arguments name.
   * A nested projection (`<<A as Adapter>::Ops as Ops>::Ptr`) is then `A` again, with the
   * arguments of every trait on the way.
   */
  | { kind: 'projection'; param: string; args: string[]; trait: AutoTraitName }
  /** `T = <L as Link>::Target`: under the same convention, `T` is `L`'s own type. */
  | { kind: 'sameAs'; param: string; owner: string };

/** The verdict the engine gives or a fixture expects, in the engine's terms. */
export interface ExpectedVerdict {
  status: 'yes' | 'no' | 'conditional' | 'unknown';
  requires: readonly string[];
}

const SEND_SYNC = PROBES[0];
const probeArg = (p: (typeof PROBES)[number]): TypeArg => ({ expr: p.name, send: p.send, sync: p.sync });

/** Known concrete types an `equals` atom may name, with their auto traits. */
const CONCRETE: Record<string, { send: boolean; sync: boolean }> = {
  u8: { send: true, sync: true },
  u16: { send: true, sync: true },
  u32: { send: true, sync: true },
  u64: { send: true, sync: true },
  usize: { send: true, sync: true },
  i8: { send: true, sync: true },
  i32: { send: true, sync: true },
  i64: { send: true, sync: true },
  bool: { send: true, sync: true },
  char: { send: true, sync: true },
  String: { send: true, sync: true },
  '()': { send: true, sync: true },
};

export function normalizeType(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s*([<>,()[\];&*])\s*/g, '$1')
    .trim();
}

/**
 * `<R as Lock>::Marker`, `<<A as Adapter>::Ops as Ops<T>>::Ptr`: the parameter the projection
 * starts from and the names in its traits' arguments; undefined for anything else.
 */
function parseProjection(text: string): { param: string; args: string[] } | undefined {
  const m = /^(<+)([A-Za-z_][A-Za-z0-9_]*) as ([^]+)>::[A-Za-z_][A-Za-z0-9_]*$/.exec(text.trim());
  if (!m) return undefined;
  // `Adapter>::Ops as Ops<T>`: each trait, up to the `>::Assoc` that closes its projection.
  const traits = m[3].split(/>::[A-Za-z_][A-Za-z0-9_]* as /);
  if (traits.length !== m[1].length) return undefined;
  const args = traits.flatMap((tr) => {
    const open = tr.indexOf('<');
    return open < 0 ? [] : (tr.slice(open).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  });
  return { param: m[2], args };
}

/**
 * Parses `T: Send`, `T: Sync`, `R: Lock`, `T = u8`, `<R as Lock>::Marker: Send` or
 * `<R as Lock>::Marker: Other`; throws on anything else, so nothing passes unread.
 */
export function parseAtom(text: string): Atom {
  const t = text.trim();
  let m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(Send|Sync)$/.exec(t);
  if (m) return { kind: 'trait', param: m[1], trait: m[2] as AutoTraitName };
  m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
  if (m) return { kind: 'implements', param: m[1], trait: m[2] };
  m = /^([^]+?)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
  const projection = m && parseProjection(m[1]);
  if (m && projection) {
    if (m[2] !== 'Send' && m[2] !== 'Sync') return { kind: 'implements', param: projection.param, trait: m[2] };
    return { kind: 'projection', param: projection.param, args: projection.args, trait: m[2] };
  }
  m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*<([A-Za-z_][A-Za-z0-9_]*) as [^]+>::[A-Za-z_][A-Za-z0-9_]*$/.exec(t);
  if (m) return { kind: 'sameAs', param: m[1], owner: m[2] };
  m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(t);
  if (m) return { kind: 'equals', param: m[1], type: normalizeType(m[2]) };
  throw new Error(`unsupported requirement atom \`${text}\` (expected \`T: Send\`, \`T: Sync\` or \`T = u8\`)`);
}

export function atomHolds(atom: Atom, inst: Instantiation): boolean {
  const arg = inst.args.get(atom.param);
  if (!arg) throw new Error(`atom names \`${atom.param}\`, which is not a type parameter`);
  if (atom.kind === 'trait') return atom.trait === 'Send' ? arg.send : arg.sync;
  if (atom.kind === 'projection') {
    // Names in the arguments that are not parameters (`Vec`, `u8`) are types that always have it.
    const named = [arg, ...atom.args.flatMap((p) => inst.args.get(p) ?? [])];
    return named.every((a) => (atom.trait === 'Send' ? a.send : a.sync));
  }
  if (atom.kind === 'implements') return false;
  if (atom.kind === 'sameAs') return normalizeType(arg.expr) === normalizeType(inst.args.get(atom.owner)?.expr ?? '');
  return normalizeType(arg.expr) === atom.type;
}

/** What the verdict predicts at `inst`; undefined for `unknown` (nothing to check). */
export function predict(verdict: ExpectedVerdict, inst: Instantiation): boolean | undefined {
  switch (verdict.status) {
    case 'yes':
      return true;
    case 'no':
      return false;
    case 'unknown':
      return undefined;
    case 'conditional': {
      const atoms = verdict.requires.map(parseAtom);
      // A user trait is known to fail only for the probes; for a concrete type it is not predicted.
      const isProbe = (param: string) => PROBES.some((p) => p.name === inst.args.get(param)?.expr);
      if (atoms.some((a) => a.kind === 'implements' && !isProbe(a.param))) return undefined;
      return atoms.every((a) => atomHolds(a, inst));
    }
  }
}

function typeParams(decl: TypeDecl): string[] {
  return decl.params.filter((p) => p.kind === 'type').map((p) => p.name);
}

function baseArgs(decl: TypeDecl): Map<string, TypeArg> {
  return new Map(typeParams(decl).map((p) => [p, probeArg(SEND_SYNC)]));
}

/**
 * The instantiations worth asking about: all Send+Sync; each type parameter at each probe; and
 * for every `T = X` atom of `verdicts`, `T = X`.
 */
export function instantiationsFor(decl: TypeDecl, verdicts: readonly ExpectedVerdict[] = []): Instantiation[] {
  const out: Instantiation[] = [{ args: baseArgs(decl), label: 'all parameters Send+Sync' }];
  for (const p of typeParams(decl)) {
    for (const probe of PROBES) {
      if (probe === SEND_SYNC) continue;
      const args = baseArgs(decl);
      args.set(p, probeArg(probe));
      out.push({ args, label: `${p} = ${probe.name}` });
    }
  }
  const seen = new Set(out.map((i) => i.label));
  for (const v of verdicts) {
    if (v.status !== 'conditional') continue;
    for (const atom of v.requires.map(parseAtom)) {
      if (atom.kind !== 'equals') continue;
      const known = CONCRETE[atom.type];
      if (!known)
        throw new Error(`atom \`${atom.param} = ${atom.type}\`: the checker knows no auto traits of \`${atom.type}\``);
      const args = baseArgs(decl);
      args.set(atom.param, { expr: atom.type, ...known });
      const label = `${atom.param} = ${atom.type}`;
      if (!seen.has(label)) {
        seen.add(label);
        out.push({ args, label });
      }
    }
  }
  return out;
}

function constLiteral(type: string): string {
  if (type === 'bool') return 'true';
  if (type === 'char') return "'a'";
  return '1';
}

/** `Name<'static, __ProbeSendOnly, 1>`: the type at `inst`, as written in its own module. */
export function renderInstantiation(decl: TypeDecl, inst: Instantiation): string {
  if (decl.params.length === 0) return decl.name;
  const args = decl.params.map((p: GenericParam) => {
    if (p.kind === 'lifetime') return "'static";
    if (p.kind === 'const') return constLiteral(p.type);
    return inst.args.get(p.name)!.expr;
  });
  return `${decl.name}<${args.join(', ')}>`;
}

export interface PlannedQuestion {
  question: OracleQuestion;
  inst: Instantiation;
  trait: AutoTraitName;
}

/** Questions about `decl` at each instantiation, for both traits, asked from its own module. */
export function planQuestions(decl: TypeDecl, insts: readonly Instantiation[]): PlannedQuestion[] {
  const out: PlannedQuestion[] = [];
  for (const inst of insts) {
    for (const trait of ['Send', 'Sync'] as const) {
      out.push({ question: { typeExpr: renderInstantiation(decl, inst), trait, module: decl.module }, inst, trait });
    }
  }
  return out;
}
