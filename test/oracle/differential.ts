// The differential check: a generated program goes to the engine and to rustc; every verdict the
// engine gives (yes / no / conditional) is evaluated at several instantiations of its type and must
// equal the compiler's answer there. `unknown` is counted apart. Also shrinks a disagreement to a
// small program that still shows it.
import type { Engine } from '../../server/src/engine';
import type { TypeReport } from '../../server/src/model/report';
import { verdictFields } from '../../server/src/present/verdict-text';
import {
  declsOf,
  ensureParamsUsed,
  renderProgram,
  settleLifetimes,
  type GProgram,
  type GeneratedProgram,
  type Ty,
} from './generate';
import { instantiationsFor, planQuestions, predict, type ExpectedVerdict, type PlannedQuestion } from './instantiate';
import type { TypeDecl } from './rust-items';
import { askRustc, RustcError, type AutoTraitName, type OracleOptions } from './rustc-oracle';

export interface Disagreement {
  seed: number;
  path: string;
  trait: AutoTraitName;
  /** The engine's verdict, e.g. `if T: Send (unsafe-impl)`, or why it could not be evaluated. */
  engine: string;
  /** The instantiation where they differ, e.g. `Foo<__ProbeSendOnly>`, and rustc's answer there. */
  typeExpr?: string;
  rustc?: boolean;
  source: string;
}

export interface ProgramOutcome {
  seed: number;
  /** Per (type, trait): the engine's verdict held at every instantiation rustc answered. */
  agree: number;
  disagree: number;
  unknown: number;
  disagreements: Disagreement[];
  questions: number;
  rustcMs: number;
}

const traitKey = (t: AutoTraitName) => (t === 'Send' ? 'send' : 'sync');

type TextVerdict = ReturnType<typeof verdictFields>;

function describeVerdict(v: TextVerdict): string {
  const body = v.status === 'conditional' ? `if ${v.requires.join(', ')}` : v.status;
  return v.source === 'auto' ? body : `${body} (${v.source})`;
}

/** Instantiations named by `T = X` atoms of the generator's concrete impls (asked whatever the engine says). */
function concreteImplVerdicts(model: GProgram, decl: TypeDecl): ExpectedVerdict[] {
  const t = model.types.find((x) => (x.module ? `${x.module}::${x.name}` : x.name) === decl.path);
  const param = t?.params.find((p) => p.kind === 'type')?.name;
  if (!t || !param) return [];
  return model.impls
    .filter((i) => i.target === t.id && i.concrete)
    .map((i) => ({ status: 'conditional' as const, requires: [`${param} = ${i.concrete}`] }));
}

/** Checks one generated program: one engine run, one rustc program. */
export async function checkProgram(
  engine: Engine,
  program: GeneratedProgram,
  options: OracleOptions & { only?: { path: string; trait: AutoTraitName } } = {},
): Promise<ProgramOutcome> {
  const outcome: ProgramOutcome = {
    seed: program.model.seed,
    agree: 0,
    disagree: 0,
    unknown: 0,
    disagreements: [],
    questions: 0,
    rustcMs: 0,
  };
  const analysis = engine.analyze(program.source);
  const reports = new Map<string, TypeReport>(analysis.types.map((t) => [t.path, t]));
  const disagree = (d: Omit<Disagreement, 'seed' | 'source'>) => {
    outcome.disagreements.push({ ...d, seed: program.model.seed, source: program.source });
  };

  interface Pending {
    decl: TypeDecl;
    trait: AutoTraitName;
    verdict: TextVerdict;
    planned: PlannedQuestion[];
  }
  const pending: Pending[] = [];
  for (const decl of program.decls) {
    const report = reports.get(decl.path);
    for (const trait of ['Send', 'Sync'] as const) {
      if (options.only && (options.only.path !== decl.path || options.only.trait !== trait)) continue;
      if (!report) {
        outcome.disagree++;
        disagree({ path: decl.path, trait, engine: 'no report for this type' });
        continue;
      }
      const verdict = verdictFields(report[traitKey(trait)]);
      if (verdict.status === 'unknown') {
        outcome.unknown++;
        continue;
      }
      let insts;
      try {
        insts = instantiationsFor(decl, [verdict, ...concreteImplVerdicts(program.model, decl)]);
        insts.forEach((inst) => predict(verdict, inst)); // atoms the checker cannot evaluate fail here
      } catch (e) {
        outcome.disagree++;
        disagree({ path: decl.path, trait, engine: `${describeVerdict(verdict)}: ${(e as Error).message}` });
        continue;
      }
      pending.push({ decl, trait, verdict, planned: planQuestions(decl, insts).filter((q) => q.trait === trait) });
    }
  }

  const all = pending.flatMap((p) => p.planned);
  const result = await askRustc(
    program.source,
    all.map((q) => q.question),
    options,
  );
  outcome.questions = all.length;
  outcome.rustcMs = result.rustcMs;
  let i = 0;
  for (const p of pending) {
    let first: { typeExpr: string; rustc: boolean } | undefined;
    for (const q of p.planned) {
      const answer = result.answers[i++];
      if (answer === null || first) continue;
      if (predict(p.verdict, q.inst) !== answer) first = { typeExpr: q.question.typeExpr, rustc: answer };
    }
    if (first) {
      outcome.disagree++;
      disagree({ path: p.decl.path, trait: p.trait, engine: describeVerdict(p.verdict), ...first });
    } else {
      outcome.agree++;
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Shrinking

function refsOf(ty: Ty, out: { types: Set<number>; aliases: Set<number> }): void {
  if (ty.k === 'user') out.types.add(ty.id);
  if (ty.k === 'alias') out.aliases.add(ty.id);
  if (ty.k !== 'param') ty.args.forEach((a) => refsOf(a, out));
}

/** Keeps only `rootId` and what it refers to, transitively (and the impls of what is kept). */
function closure(model: GProgram, rootId: number): GProgram {
  const keep = { types: new Set<number>([rootId]), aliases: new Set<number>() };
  for (let changed = true; changed;) {
    const before = keep.types.size + keep.aliases.size;
    for (const t of model.types.filter((x) => keep.types.has(x.id))) {
      for (const f of [...t.fields, ...t.variants.flatMap((v) => v.fields)]) refsOf(f.ty, keep);
    }
    for (const a of model.aliases.filter((x) => keep.aliases.has(x.id))) refsOf(a.ty, keep);
    changed = keep.types.size + keep.aliases.size !== before;
  }
  return {
    ...model,
    types: model.types.filter((t) => keep.types.has(t.id)),
    aliases: model.aliases.filter((a) => keep.aliases.has(a.id)),
    impls: model.impls.filter((i) => keep.types.has(i.target)),
  };
}

function regenerate(model: GProgram): GeneratedProgram {
  // Dropping a field can drop the only use of `'a`; lifetimes are recomputed from scratch.
  for (const t of model.types) {
    t.params = t.params.filter((p) => p.kind !== 'lifetime');
    ensureParamsUsed(t);
  }
  settleLifetimes(model);
  // Impls for one instantiation need the type to keep exactly one parameter.
  model.impls = model.impls.filter(
    (i) => !i.concrete || model.types.find((t) => t.id === i.target)!.params.length === 1,
  );
  // Modules left without items (nor descendants with items) go too.
  const used = new Set<string>();
  for (const m of [...model.types, ...model.aliases, ...model.impls].map((x) => x.module)) {
    const segs = m ? m.split('::') : [];
    segs.forEach((_, i) => used.add(segs.slice(0, i + 1).join('::')));
  }
  model.modules = model.modules.filter((m) => used.has(m));
  return { model, source: renderProgram(model), decls: declsOf(model) };
}

/** Candidate simplifications of a model, smallest effect last. */
function* simplifications(model: GProgram, rootId: number): Generator<GProgram> {
  const clone = () => structuredClone(model);
  for (const t of model.types) {
    if (t.id === rootId) continue;
    // Drop a type altogether, replacing references to it with `u8`.
    const m = clone();
    const swap = (ty: Ty): Ty =>
      ty.k === 'user' && ty.id === t.id
        ? { k: 'tpl', tpl: 'u8', args: [] }
        : ty.k === 'param'
          ? ty
          : { ...ty, args: ty.args.map(swap) };
    for (const x of m.types) for (const f of [...x.fields, ...x.variants.flatMap((v) => v.fields)]) f.ty = swap(f.ty);
    m.types = m.types.filter((x) => x.id !== t.id);
    m.impls = m.impls.filter((i) => i.target !== t.id);
    yield m;
  }
  for (let i = 0; i < model.impls.length; i++) {
    const m = clone();
    m.impls.splice(i, 1);
    yield m;
  }
  for (let ti = 0; ti < model.types.length; ti++) {
    const t = model.types[ti];
    const lists = [t.fields, ...t.variants.map((v) => v.fields)];
    for (let li = 0; li < lists.length; li++) {
      for (let fi = 0; fi < lists[li].length; fi++) {
        const drop = clone();
        const dt = drop.types[ti];
        [dt.fields, ...dt.variants.map((v) => v.fields)][li].splice(fi, 1);
        yield drop;
        // Unwrap one layer of the field's type (`Box<Vec<T>>` -> `Vec<T>`).
        const ty = lists[li][fi].ty;
        if (ty.k !== 'param') {
          for (let ai = 0; ai < ty.args.length; ai++) {
            const m = clone();
            const mt = m.types[ti];
            const f = [mt.fields, ...mt.variants.map((v) => v.fields)][li][fi];
            if (f.ty.k !== 'param') f.ty = f.ty.args[ai];
            yield m;
          }
        }
      }
    }
    if (t.variants.length > 1) {
      for (let vi = 0; vi < t.variants.length; vi++) {
        const m = clone();
        m.types[ti].variants.splice(vi, 1);
        yield m;
      }
    }
  }
}

/**
 * Shrinks the program of `d` while rustc still compiles it and the engine still disagrees on the
 * same type and trait. Each attempt costs one rustc run; `budget` caps them.
 */
export async function shrinkDisagreement(
  engine: Engine,
  program: GeneratedProgram,
  d: Disagreement,
  budget = 60,
  options: OracleOptions = {},
): Promise<Disagreement> {
  const root = program.model.types.find((t) => (t.module ? `${t.module}::${t.name}` : t.name) === d.path);
  if (!root) return d;
  const only = { path: d.path, trait: d.trait };
  const attempt = async (model: GProgram): Promise<Disagreement | undefined> => {
    const gen = regenerate(structuredClone(model));
    try {
      const out = await checkProgram(engine, gen, { ...options, only });
      return out.disagreements[0];
    } catch (e) {
      if (e instanceof RustcError) return undefined;
      throw e;
    }
  };
  let best = closure(structuredClone(program.model), root.id);
  let bestD = (await attempt(best)) ?? d;
  if (bestD === d) best = program.model;
  let tries = 1;
  for (let progress = true; progress && tries < budget;) {
    progress = false;
    for (const candidate of simplifications(best, root.id)) {
      if (tries++ >= budget) break;
      const shrunk = closure(candidate, root.id);
      const found = await attempt(shrunk);
      if (found) {
        best = shrunk;
        bestD = found;
        progress = true;
        break;
      }
    }
  }
  return bestD;
}
