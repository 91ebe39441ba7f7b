// Conditions and reasons as data. A verdict that depends on the type's parameters is a set of
// atoms that must all hold (`T: Send`, `R: RawMutex`, `T = u8`, `<R as RawMutex>::GuardMarker: Send`); a verdict that is not `yes`
// carries reason chains (the fields passed through, then the rule that decides). Both stay data
// from the solver to the presentation layer; renderAtom and renderChain are the one place they
// become words, so the hover, the CLI, JSON, SARIF and the report say the same thing.

export type AutoTrait = 'Send' | 'Sync';

export type Atom =
  /** `T: Send`: the parameter has the auto trait. */
  | { kind: 'auto'; param: string; trait: AutoTrait }
  /** `R: RawMutex`: a declared bound of another trait, as written (whitespace collapsed). */
  | { kind: 'bound'; param: string; bound: string }
  /**
   * `T = u8`: an impl for one instantiation of the parameter. `projection`: the type is another
   * parameter's associated type (`unsafe impl<L: Link> Send for List<L, L::Target>`: `T = <L as Link>::Target`).
   */
  | { kind: 'equals'; param: string; type: string; projection?: { param: string; traitName: string; assoc: string } }
  /**
   * `<R as RawMutex>::GuardMarker: Send`: an associated type of the parameter has the auto trait,
   * stated the way rustdoc states it (the trait that declares the associated type, by name, with
   * its arguments when it has some: `<S as Service<Req>>::Future`).
   */
  | { kind: 'projection'; param: string; traitName: string; assoc: string; trait: AutoTrait; traitArgs?: TypeTerm[] };

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
export function substituteTerms(
  xs: TypeTerm[],
  given: (param: string) => TypeTerm | undefined,
): TypeTerm[] | undefined {
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

/** A bound as written on `param`; `Send` and `Sync` themselves are auto atoms. */
export function boundAtom(param: string, bound: string): Atom {
  const text = bound.replace(/\s+/g, ' ');
  return text === 'Send' || text === 'Sync' ? autoAtom(param, text) : { kind: 'bound', param, bound: text };
}

export const equalsAtom = (param: string, type: string): Atom => ({ kind: 'equals', param, type });

export const projectionAtom = (
  param: string,
  traitName: string,
  assoc: string,
  trait: AutoTrait,
  traitArgs?: TypeTerm[],
): Atom =>
  traitArgs
    ? { kind: 'projection', param, traitName, assoc, trait, traitArgs }
    : { kind: 'projection', param, traitName, assoc, trait };

/** `<R as RawMutex>::GuardMarker`, `<S as Service<Req>>::Future`: how rustdoc writes a parameter's associated type. */
export const projectionText = (param: string, traitName: string, assoc: string, traitArgs?: TypeTerm[]): string =>
  `<${param} as ${traitName}${traitArgs?.length ? `<${traitArgs.map(renderTerm).join(', ')}>` : ''}>::${assoc}`;

/** The same condition on another parameter name (an impl's `U` is the type's `T`). */
export const renameAtom = (atom: Atom, param: string): Atom => ({ ...atom, param });

export function renderAtom(atom: Atom): string {
  switch (atom.kind) {
    case 'auto':
      return `${atom.param}: ${atom.trait}`;
    case 'bound':
      return `${atom.param}: ${atom.bound}`;
    case 'equals':
      return `${atom.param} = ${atom.type}`;
    case 'projection':
      return `${projectionText(atom.param, atom.traitName, atom.assoc, atom.traitArgs)}: ${atom.trait}`;
  }
}

/** What tells conditions apart: how they read, and what a projection's trait arguments are. */
const atomKey = (atom: Atom): string =>
  atom.kind === 'projection' && atom.traitArgs
    ? `${renderAtom(atom)} [${atom.traitArgs.map(termKey).join(', ')}]`
    : renderAtom(atom);

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
