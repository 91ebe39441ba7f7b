// What a rule is: a code, the words that explain it (title, help, README anchor), the level it
// starts at, and a check that reads the file's RuleContext and returns its findings with their
// fixes. The catalogue of every rule is rules/index.ts; nothing else lists them.
import type { Position, Range } from '../model/report';
import type { RuleContext } from './context';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule's setting: a severity, or `off`. */
export const RULE_LEVELS = [...SEVERITIES, 'off'] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

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

/** What a check reports; the catalogue adds the rule's code. */
export interface Hit {
  message: string;
  range: Range;
  /** The type the impl is for, by its report path, when known. */
  typePath?: string;
  /** Quick fixes, recomputed with every analysis (they are never cached by the editor side). */
  fixes: Fix[];
  /** The places that explain the finding (the fields or methods involved), for the editor to link. */
  related?: Related[];
  /**
   * A boolean setting that, when on, drops this finding: `safetyCommentCoversPair` for the second
   * impl of a Send+Sync pair whose first impl has the SAFETY comment.
   */
  waivedBy?: 'safetyCommentCoversPair';
  /**
   * Not a warning: what the rule would have flagged, and the design that makes it sound (a
   * run-time owner-thread check, an unsafe constructor's contract). Shown in the type's hover,
   * never as a diagnostic.
   */
  reviewed?: true;
}

export interface Related {
  range: Range;
  message: string;
}

export interface Rule<Code extends string = string> {
  /** Stable, kebab-case: the diagnostic code, the setting's name and the README section's anchor. */
  code: Code;
  /** One line: what the rule flags. */
  title: string;
  /** A few sentences: why it matters and what to do (SARIF help, settings descriptions). */
  help: string;
  defaultLevel: RuleLevel;
  check(ctx: RuleContext): Hit[];
}
