// Where an edit moved the rest of a file: the fns' futures results kept from the last analysis
// (fn-reuse.ts) name places of the old text, by position (a report's range, a held value's
// `.await`) and by line in their reasons ("`g` (line 12) is held across `.await` (line 14)").
// After a line is typed above a fn, the fn's results are the same but for those places: each
// moves with the text it names. What lies before the edit stays, what lies after it moves with
// the edit's end, and a place inside the edit (or on its edge, which either side may own) cannot
// be moved: the fn is then walked again.
import type { Position, Range } from '../model/report';
import { editBetween } from '../syntax/parser';

/**
 * The old text's place, or the new text's, of something the edit did not touch; undefined: it
 * did. `side`: whether the place starts something (a range's start, a fn's) or ends it (a range's
 * end, just past its last character): at the edit's start, the one is after the edit and the
 * other before it.
 */
type Move = (at: Position, side?: 'start' | 'end') => Position | undefined;

/** Lines named in reasons: "(line 12)", "at line 12". */
const NAMED_LINE = /\bline (\d+)/g;

/**
 * A reason that may name a line of another file of the crate: a callee's own reasons (`awaits
 * `f()` (line 3), whose future (in `src/a.rs`) ...`, and a spawned future's: `in `src/a.rs`,
 * ...`) and an impl's place in a type's verdict (`` `unsafe impl Send for X` (line 40) requires
 * ``), which is in the type's file.
 */
const OTHER_FILES = /(?:^|\()in `|impl [^`]*` \(line \d+\)/;

/** Code a fn's reasons quote that would read as a named line (a comment or a string saying "line 3"). */
const LINE_LIKE_CODE = /\bline \d/;

/** Whether place `a` comes before place `b`. */
export const before = (a: Position, b: Position): boolean =>
  a.line < b.line || (a.line === b.line && a.character < b.character);
const same = (a: Position, b: Position) => a.line === b.line && a.character === b.character;

/**
 * How `after` moved the places of `before`; undefined when no line moved (every line is where it
 * was, spacing aside: then a place moves only inside its own line, and only a fn whose text
 * changed, or that starts after a change on its line, has one that did).
 */
export function textMoves(before: string, after: string, linesElsewhere: boolean): TextMoves | undefined {
  const edit = editBetween(before, after);
  // The edit spans several changes when the text changed in several places (edits are coalesced):
  // its lines, blanks aside, say whether any line moved.
  if (edit.newEndPosition.row === edit.oldEndPosition.row) {
    const lines = (text: string, end: number) =>
      text.slice(text.lastIndexOf('\n', edit.startIndex - 1) + 1, end).replace(/[ \t]+/g, '');
    if (lines(before, edit.oldEndIndex) === lines(after, edit.newEndIndex)) return undefined;
  }
  return new TextMoves(edit, linesElsewhere);
}

export class TextMoves {
  /** Where the edit starts, and where it ends in the old text and in the new one (lines from 0). */
  private readonly start: Position;
  private readonly oldEnd: Position;
  private readonly newEnd: Position;
  /** How many lines the text after the edit moved down (up, when negative). */
  readonly lines: number;
  /** The first line of the old text all of which is after the edit. */
  private readonly firstMovedLine: number;

  /**
   * `linesElsewhere`: the reasons may name lines of other files (a crate's file), so a reason
   * that may is moved only when the lines it names are before the edit (or none moved).
   */
  constructor(
    edit: ReturnType<typeof editBetween>,
    private readonly linesElsewhere: boolean,
  ) {
    const point = (p: { row: number; column: number }): Position => ({ line: p.row, character: p.column });
    this.start = point(edit.startPosition);
    this.oldEnd = point(edit.oldEndPosition);
    this.newEnd = point(edit.newEndPosition);
    this.lines = this.newEnd.line - this.oldEnd.line;
    // A line the edit ends at the start of (a line typed above it) moves whole.
    this.firstMovedLine = this.oldEnd.line + (this.oldEnd.character === 0 ? 0 : 1);
  }

  /** The new place of a place of the old text. */
  readonly forward: Move = (at, side) => this.across(at, side, this.oldEnd, this.newEnd);

  /** The old place of a place of the new text. */
  readonly back: Move = (at, side) => this.across(at, side, this.newEnd, this.oldEnd);

  private across(at: Position, side: 'start' | 'end' | undefined, from: Position, to: Position): Position | undefined {
    if (before(at, this.start)) return at;
    if (same(at, this.start)) {
      // An end there is past what comes before the edit; a start there is where the text the
      // edit inserted pushes on (when it removed none: else it starts in what the edit removed).
      if (side === 'end') return at;
      if (side !== 'start' || !same(from, this.start)) return undefined;
    } else if (before(at, from) || (side === 'end' && same(at, from))) return undefined;
    if (same(from, to)) return at;
    return at.line === from.line
      ? { line: to.line, character: at.character - from.character + to.character }
      : { line: at.line + to.line - from.line, character: at.character };
  }

  /**
   * Whether a fn's results can be moved with their lines renamed: the code they quote (the fn's
   * own and that of the fns it read) cannot pass for a named line. Without a line moved, nothing
   * is renamed.
   */
  canRename(codes: Iterable<string>): boolean {
    if (this.lines === 0) return true;
    for (const code of codes) if (LINE_LIKE_CODE.test(code)) return false;
    return true;
  }

  /**
   * `value` (plain objects, arrays and maps of strings, places and numbers; instances of classes
   * are kept as they are) with every place and named line moved, the same object where nothing
   * moved; undefined when one cannot be.
   */
  relocate<T>(value: T): T | undefined {
    const moved = this.move(value);
    return moved === CANNOT ? undefined : (moved as T);
  }

  private move(value: unknown): unknown {
    if (typeof value === 'string') return this.renameLines(value);
    if (Array.isArray(value)) {
      const list = value as unknown[];
      let out: unknown[] | undefined;
      for (let i = 0; i < list.length; i++) {
        const moved = this.move(list[i]);
        if (moved === CANNOT) return CANNOT;
        if (moved !== list[i]) (out ??= [...list])[i] = moved;
      }
      return out ?? list;
    }
    if (value instanceof Map) {
      let out: Map<unknown, unknown> | undefined;
      for (const [k, v] of value) {
        const moved = this.move(v);
        if (moved === CANNOT) return CANNOT;
        if (moved !== v) (out ??= new Map(value)).set(k, moved);
      }
      return out ?? value;
    }
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
    if (isPosition(value)) {
      const moved = this.forward(value);
      if (moved === undefined) return CANNOT;
      return same(moved, value) ? value : moved;
    }
    if (isRange(value)) {
      // An empty range is a place where something starts.
      const start = this.forward(value.start, 'start');
      const end = same(value.start, value.end) ? start : this.forward(value.end, 'end');
      if (start === undefined || end === undefined) return CANNOT;
      return same(start, value.start) && same(end, value.end) ? value : { ...value, start, end };
    }
    const record = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const moved = this.move(record[key]);
      if (moved === CANNOT) return CANNOT;
      if (moved !== record[key]) (out ??= { ...record })[key] = moved;
    }
    return out ?? value;
  }

  /** A reason with the lines it names moved (they count from 1). */
  private renameLines(text: string): string | typeof CANNOT {
    if (this.lines === 0 || !text.includes('line ')) return text;
    const lines = [...text.matchAll(NAMED_LINE)].map((m) => Number(m[1]) - 1);
    if (lines.length === 0) return text;
    if (this.linesElsewhere && OTHER_FILES.test(text))
      // Which file such a line is in, the text does not say: kept only where it cannot have moved.
      return lines.every((line) => line < this.start.line) ? text : CANNOT;
    if (lines.some((line) => line >= this.start.line && line < this.firstMovedLine)) return CANNOT;
    return text.replace(NAMED_LINE, (whole, n: string) =>
      Number(n) - 1 >= this.firstMovedLine ? `line ${Number(n) + this.lines}` : whole,
    );
  }
}

const CANNOT = Symbol('cannot move');

function isRange(value: object): value is Range {
  const v = value as Partial<Range>;
  return (
    typeof v.start === 'object' &&
    typeof v.end === 'object' &&
    isPosition(v.start) &&
    isPosition(v.end) &&
    Object.keys(value).length === 2
  );
}

function isPosition(value: object): value is Position {
  const v = value as Partial<Position>;
  return typeof v.line === 'number' && typeof v.character === 'number' && Object.keys(value).length === 2;
}
