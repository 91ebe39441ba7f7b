// The engine's output: plain data that the server, the CLI and the tests all read. Nothing here
// knows about LSP or tree-sitter. Positions are 0-based, columns in UTF-16 code units (as LSP).

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

export type AutoTrait = 'Send' | 'Sync';

export interface TraitVerdict {
  status: Status;
  /** Atoms over the type's own parameters, e.g. `T: Send`; empty unless `conditional`. */
  requires: string[];
  source: VerdictSource;
  /**
   * Why the verdict is not a plain `yes`: one line per cause, the shortest chain first, e.g.
   * "field `cache`: `Rc<Vec<u8>>`: `Rc` is never `Send`".
   */
  reasons: string[];
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

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const RULE_CODES = ['missing-safety-comment', 'risky-field', 'missing-bound', 'unnecessary-unsafe-impl'] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** One text insertion. Fixes only ever insert: they never delete or replace code. */
export interface Insertion {
  position: Position;
  /** The plain text to insert. */
  text: string;
  /** The same text as an LSP/VS Code snippet (with `$0`/`${1:...}` placeholders), if any. */
  snippet?: string;
}

export interface Fix {
  title: string;
  insertions: Insertion[];
}

export interface Finding {
  code: RuleCode;
  /** The rule's default severity; the server and CLI may override it from settings. */
  severity: Severity;
  message: string;
  range: Range;
  /** The type the impl is for, by its report path, when known. */
  typePath?: string;
  fixes: Fix[];
  /**
   * A boolean setting that, when on, drops this finding: `safetyCommentCoversPair` for the second
   * impl of a Send+Sync pair whose first impl has the SAFETY comment.
   */
  waivedBy?: 'safetyCommentCoversPair';
}

/** A place the file names a user type (outside its declaration), with that type's verdicts. */
export interface Mention {
  range: Range;
  type: TypeReport;
}

export interface FileAnalysis {
  types: TypeReport[];
  findings: Finding[];
  /** Mentions of user types, for hover away from the declarations (absent: not computed). */
  mentions?: Mention[];
  /** Count of ERROR/MISSING nodes in the parse: the input was not complete Rust. */
  syntaxErrors: number;
}
