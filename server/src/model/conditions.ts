// Conditions and reasons as data. A verdict that depends on the type's parameters is a set of
// atoms that must all hold (`T: Send`, `R: RawMutex`, `T = u8`, `<R as RawMutex>::GuardMarker: Send`); a verdict that is not `yes`
// carries reason chains (the fields passed through, then the rule that decides). Both stay data
// from the solver to the presentation layer; renderAtom and renderChain are the one place they
// become words, so the hover, the CLI, JSON, SARIF and the report say the same thing.

export type AutoTrait = 'Send' | 'Sync';

/**
 * One associated type on the way from a parameter to the one a condition is about: in
 * `<<A as Adapter>::LinkOps as LinkOps>::LinkPtr`, `A`'s `<A as Adapter>::LinkOps` is a step.
 */
export interface ProjStep {
  traitName: string;
  assoc: string;
  traitArgs?: TypeTerm[];
}

export type Atom =
  /** `T: Send`: the parameter has the auto trait. */
  | { kind: 'auto'; param: string; trait: AutoTrait }
  /**
   * `R: RawMutex`: a declared bound of another trait, as written (whitespace collapsed). `via`: the
   * bound is on an associated type of the parameter (`<A as Adapter>::LinkOps: LinkedListOps`).
   */
  | { kind: 'bound'; param: string; bound: string; via?: ProjStep[] }
  /**
   * `T = u8`: an impl for one instantiation of the parameter. `projection`: the type is another
   * parameter's associated type (`unsafe impl<L: Link> Send for List<L, L::Target>`: `T = <L as Link>::Target`).
   */
  | { kind: 'equals'; param: string; type: string; projection?: { param: string; traitName: string; assoc: string } }
  /**
   * `<R as RawMutex>::GuardMarker: Send`: an associated type of the parameter has the auto trait,
   * stated the way rustdoc states it (the trait that declares the associated type, by name, with
   * its arguments when it has some: `<S as Service<Req>>::Future`). `via`: the steps from the
   * parameter to the type whose associated type it is, innermost first (`<<A as Adapter>::LinkOps
   * as LinkOps>::LinkPtr` is `LinkOps::LinkPtr` via `Adapter::LinkOps`).
   */
  | {
      kind: 'projection';
      param: string;
      traitName: string;
      assoc: string;
      trait: AutoTrait;
      traitArgs?: TypeTerm[];
      via?: ProjStep[];
    };

/**
 * A generic trait's argument in a projection (`Req`, `Vec<R>`, `&u8`), as plain data, so that the
 * condition can be restated over another type's parameters: `State<T, Vec<R>>` puts `Vec<R>` for
 * `Req`. Only shapes that can be written back exactly are terms. `key`: the declaration a path
 * names, so two types that print alike (`a::Foo`, `b::Foo`) stay two.
 */
export type TypeTerm =
  | { t: 'param'; name: string }
  | { t: 'prim'; name: string }
  | { t: 'path'; name: string; key: string; args: TypeTerm[] }
  | { t: 'ref'; mut: boolean; inner: TypeTerm }
  | { t: 'tuple'; elems: TypeTerm[] };

export function renderTerm(x: TypeTerm): string {
  switch (x.t) {
    case 'param':
    case 'prim':
      return x.name;
    case 'path':
      return x.args.length ? `${x.name}<${x.args.map(renderTerm).join(', ')}>` : x.name;
    case 'ref':
      return `&${x.mut ? 'mut ' : ''}${renderTerm(x.inner)}`;
    case 'tuple':
      return x.elems.length === 1 ? `(${renderTerm(x.elems[0])},)` : `(${x.elems.map(renderTerm).join(', ')})`;
  }
}

/** What a term is, by declarations rather than names: equal keys are the same type. */
export function termKey(x: TypeTerm): string {
  switch (x.t) {
    case 'param':
      return `param ${x.name}`;
    case 'prim':
      return x.name;
    case 'path':
      return `${x.key}<${x.args.map(termKey).join(',')}>`;
    case 'ref':
      return `&${x.mut ? 'mut ' : ''}${termKey(x.inner)}`;
    case 'tuple':
      return `(${x.elems.map(termKey).join(',')})`;
  }
}

/** Each of `xs` with its parameters replaced by `given(name)`; undefined when one has no term. */
function substituteTerms(xs: TypeTerm[], given: (param: string) => TypeTerm | undefined): TypeTerm[] | undefined {
  const out = xs.map((e) => substituteTerm(e, given));
  return out.every((e): e is TypeTerm => e !== undefined) ? out : undefined;
}

function substituteTerm(x: TypeTerm, given: (param: string) => TypeTerm | undefined): TypeTerm | undefined {
  const all = (xs: TypeTerm[]) => substituteTerms(xs, given);
  switch (x.t) {
    case 'param':
      return given(x.name);
    case 'prim':
      return x;
    case 'path': {
      const args = all(x.args);
      return args && { ...x, args };
    }
    case 'ref': {
      const inner = substituteTerm(x.inner, given);
      return inner && { ...x, inner };
    }
    case 'tuple': {
      const elems = all(x.elems);
      return elems && { ...x, elems };
    }
  }
}

export const autoAtom = (param: string, trait: AutoTrait): Atom => ({ kind: 'auto', param, trait });

/**
 * A bound as written on `param` (on its associated type `via` reaches, when there are steps);
 * `Send` and `Sync` themselves are auto or projection atoms.
 */
export function boundAtom(param: string, bound: string, via: ProjStep[] = []): Atom {
  const text = bound.replace(/\s+/g, ' ');
  const last = via[via.length - 1];
  if (text === 'Send' || text === 'Sync')
    return last
      ? projectionAtom(param, last.traitName, last.assoc, text, last.traitArgs, via.slice(0, -1))
      : autoAtom(param, text);
  return via.length ? { kind: 'bound', param, bound: text, via } : { kind: 'bound', param, bound: text };
}

export const equalsAtom = (param: string, type: string): Atom => ({ kind: 'equals', param, type });

export const projectionAtom = (
  param: string,
  traitName: string,
  assoc: string,
  trait: AutoTrait,
  traitArgs?: TypeTerm[],
  via?: ProjStep[],
): Atom => ({
  kind: 'projection',
  param,
  traitName,
  assoc,
  trait,
  ...(traitArgs ? { traitArgs } : {}),
  ...(via?.length ? { via } : {}),
});

/**
 * `<R as RawMutex>::GuardMarker`, `<S as Service<Req>>::Future`, `<<A as Adapter>::LinkOps as
 * LinkOps>::LinkPtr`: how rustdoc writes a parameter's associated type (`via`: see ProjStep).
 */
export const projectionText = (
  param: string,
  traitName: string,
  assoc: string,
  traitArgs?: TypeTerm[],
  via: ProjStep[] = [],
): string => subjectText(param, [...via, { traitName, assoc, traitArgs }]);

/** The type `steps` reach from `param`: the parameter itself when there are none. */
const subjectText = (param: string, steps: ProjStep[]): string =>
  steps.reduce(
    (self, s) =>
      `<${self} as ${s.traitName}${s.traitArgs?.length ? `<${s.traitArgs.map(renderTerm).join(', ')}>` : ''}>::${s.assoc}`,
    param,
  );

/**
 * The atom with its parameters renamed, in its trait arguments too (`<S as Service<R>>::Future`);
 * undefined when `to` has no name for one of them.
 */
export function renameAtomParams(atom: Atom, to: (param: string) => string | undefined): Atom | undefined {
  const param = to(atom.param);
  if (param === undefined) return undefined;
  const given = (p: string): TypeTerm | undefined => {
    const name = to(p);
    return name === undefined ? undefined : { t: 'param', name };
  };
  const steps = atom.kind === 'projection' || atom.kind === 'bound' ? substituteSteps(atom.via ?? [], given) : [];
  if (!steps) return undefined;
  const via = steps.length ? { via: steps } : {};
  if (atom.kind === 'bound') return { kind: 'bound', param, bound: atom.bound, ...via };
  if (atom.kind !== 'projection' || !atom.traitArgs) return { ...atom, param };
  const traitArgs = substituteTerms(atom.traitArgs, given);
  return traitArgs && { ...atom, param, traitArgs, ...via };
}

/** Each step with its trait's arguments' parameters replaced (see substituteTerms). */
export function substituteSteps(
  steps: ProjStep[],
  given: (param: string) => TypeTerm | undefined,
): ProjStep[] | undefined {
  const out: ProjStep[] = [];
  for (const s of steps) {
    const traitArgs = s.traitArgs && substituteTerms(s.traitArgs, given);
    if (s.traitArgs && !traitArgs) return undefined;
    out.push(traitArgs ? { ...s, traitArgs } : s);
  }
  return out;
}

/** The same condition on another parameter name (an impl's `U` is the type's `T`). */
export const renameAtom = (atom: Atom, param: string): Atom => ({ ...atom, param });

export function renderAtom(atom: Atom): string {
  switch (atom.kind) {
    case 'auto':
      return `${atom.param}: ${atom.trait}`;
    case 'bound':
      return `${subjectText(atom.param, atom.via ?? [])}: ${atom.bound}`;
    case 'equals':
      return `${atom.param} = ${atom.type}`;
    case 'projection':
      return `${projectionText(atom.param, atom.traitName, atom.assoc, atom.traitArgs, atom.via)}: ${atom.trait}`;
  }
}

/** What tells conditions apart: how they read, and what a projection's trait arguments are. */
const atomKey = (atom: Atom): string => {
  const steps =
    atom.kind === 'projection' ? [...(atom.via ?? []), atom] : atom.kind === 'bound' ? (atom.via ?? []) : [];
  const args = steps.flatMap((s) => s.traitArgs ?? []);
  return args.length ? `${renderAtom(atom)} [${args.map(termKey).join(', ')}]` : renderAtom(atom);
};

/** Atoms without repeats: two atoms are one condition exactly when they read the same (and name the same types). */
export class AtomSet implements Iterable<Atom> {
  private readonly byText = new Map<string, Atom>();

  constructor(atoms: Iterable<Atom> = []) {
    for (const atom of atoms) this.add(atom);
  }

  add(atom: Atom): void {
    const key = atomKey(atom);
    if (!this.byText.has(key)) this.byText.set(key, atom);
  }

  has(atom: Atom): boolean {
    return this.byText.has(atomKey(atom));
  }

  get size(): number {
    return this.byText.size;
  }

  filter(keep: (atom: Atom) => boolean): AtomSet {
    return new AtomSet([...this].filter(keep));
  }

  [Symbol.iterator](): Iterator<Atom> {
    return this.byText.values();
  }
}

/** One link of a reason chain: a field of a type. */
interface Step {
  owner: string;
  /** The owner's identity (its module path), to spot cycles between types of the same name. */
  ownerKey: string;
  field: string;
  ty: string;
}

/** Why something is not Send/Sync: the fields passed through, then the rule that decides. */
export interface Chain {
  steps: Step[];
  leaf: string;
}

/**
 * `field \`cell: Cell<u8>\`` first, then `\`Inner.cell: Cell<u8>\`` for each type passed through,
 * then the leaf. `nested`: the chain continues another sentence, so its first step names its owner.
 */
export function renderChain(chain: Chain, nested = false): string {
  const parts = chain.steps.map((s, i) =>
    i === 0 && !nested ? `field \`${s.field}: ${s.ty}\`` : `\`${s.owner}.${s.field}: ${s.ty}\``,
  );
  return parts.length ? `${parts.join(' → ')}: ${chain.leaf}` : chain.leaf;
}
