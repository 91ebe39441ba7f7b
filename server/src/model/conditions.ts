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
   * stated the way rustdoc states it (the trait that declares the associated type, by name).
   */
  | { kind: 'projection'; param: string; traitName: string; assoc: string; trait: AutoTrait };

export const autoAtom = (param: string, trait: AutoTrait): Atom => ({ kind: 'auto', param, trait });

/** A bound as written on `param`; `Send` and `Sync` themselves are auto atoms. */
export function boundAtom(param: string, bound: string): Atom {
  const text = bound.replace(/\s+/g, ' ');
  return text === 'Send' || text === 'Sync' ? autoAtom(param, text) : { kind: 'bound', param, bound: text };
}

export const equalsAtom = (param: string, type: string): Atom => ({ kind: 'equals', param, type });

export const projectionAtom = (param: string, traitName: string, assoc: string, trait: AutoTrait): Atom => ({
  kind: 'projection',
  param,
  traitName,
  assoc,
  trait,
});

/** `<R as RawMutex>::GuardMarker`: how rustdoc writes a parameter's associated type. */
export const projectionText = (param: string, traitName: string, assoc: string): string =>
  `<${param} as ${traitName}>::${assoc}`;

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
      return `${projectionText(atom.param, atom.traitName, atom.assoc)}: ${atom.trait}`;
  }
}

/** Atoms without repeats: two atoms are one condition exactly when they read the same. */
export class AtomSet implements Iterable<Atom> {
  private readonly byText = new Map<string, Atom>();

  constructor(atoms: Iterable<Atom> = []) {
    for (const atom of atoms) this.add(atom);
  }

  add(atom: Atom): void {
    const key = renderAtom(atom);
    if (!this.byText.has(key)) this.byText.set(key, atom);
  }

  has(atom: Atom): boolean {
    return this.byText.has(renderAtom(atom));
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
