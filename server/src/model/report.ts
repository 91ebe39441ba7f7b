// The verdicts as plain data that the server, the CLI and the tests all read: positions, a type's
// Send/Sync verdicts with their conditions and reasons. Nothing here knows LSP or tree-sitter.
// Positions are 0-based, columns in UTF-16 code units (as LSP).
import type { Atom, Chain } from './conditions';

export type { AutoTrait } from './conditions';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** `conditional`: holds exactly when every atom of `requires` holds. */
export type Status = 'yes' | 'no' | 'conditional' | 'unknown';

/** Where a verdict comes from: the compiler's auto rule, or a manual impl that replaces it. */
export type VerdictSource = 'auto' | 'unsafe-impl' | 'negative-impl';

export interface TraitVerdict {
  status: Status;
  /** Atoms over the type's own parameters, e.g. `T: Send`, in a stable order; empty unless `conditional`. */
  requires: Atom[];
  source: VerdictSource;
  /**
   * Why the verdict is not a plain `yes`: one chain per cause, the shortest first, e.g.
   * field `cache: Rc<Vec<u8>>`, then "`Rc` is never `Send`" (rendered by renderChain).
   */
  reasons: Chain[];
}

export type TypeKind = 'struct' | 'enum' | 'union';

export interface TypeReport {
  name: string;
  /** Module path inside the file: `Foo`, or `a::b::Foo` in nested inline modules. */
  path: string;
  kind: TypeKind;
  /** The range of the type's name in its declaration. */
  nameRange: Range;
  /** The range of the whole declaration (attributes excluded). */
  range: Range;
  /** Declared generic parameters, in order: `'a`, `T`, `N`. */
  params: string[];
  send: TraitVerdict;
  sync: TraitVerdict;
}

/** A place the file names a user type (outside its declaration), with that type's verdicts. */
export interface Mention {
  range: Range;
  type: TypeReport;
}

export type FutureKind = 'async-fn' | 'async-block' | 'async-closure';

/** A value the future holds across an `.await` (or for its whole life) that is not surely `Send`. */
export interface HeldValue {
  /** `guard`, or the expression of a temporary (`m.lock().unwrap()`). */
  name: string;
  ty: string;
  status: Status;
  /** Where the value is declared (its `let`, parameter or temporary). */
  declRange: Range;
  /** The `.await` it is held across; absent for parameters and captures (held throughout). */
  awaitRange?: Range;
  /** The whole sentence, as the reasons list shows it. */
  reason: string;
}

/** An `async fn`, `async` block or async closure, with whether its future is `Send`. */
export interface FutureReport {
  /** The fn's name; for blocks and closures, the enclosing fn's name. */
  name: string;
  kind: FutureKind;
  /** The fn's name, or the `async` keyword of a block or closure. */
  nameRange: Range;
  range: Range;
  send: { status: Status; requires: Atom[]; reasons: string[] };
  held: HeldValue[];
}
