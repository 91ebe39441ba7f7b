// Reuse of each fn's futures analysis from one analysis of a file to the next, so that an edit
// re-walks only the fns it touched. A fn's results (its futures' verdicts, the `Send`
// requirements and `Arc::new` calls in its body) are a function of what the walk reads, and the
// key holds all of it:
// - the fn's own text;
// - the file's skeleton: the text with every fn body that declares no item blanked out (what the
//   items, the solver's verdicts, the signatures and the imports come from), its spacing and
//   indentation aside, and the caller's context (in a crate, the other files' versions);
// - the fns whose futures the walk read (an awaited `async fn`, a block of another fn), with
//   their text, transitively.
// Positions are not in the key: the results name places (ranges, and lines in the reasons), and
// are moved with the text to where the edit put it (text-moves.ts), so that typing a line in one
// fn does not walk every fn below it again. A walk that meets a recursion (a fn still being
// walked) depends on the order of the walks and is never kept.
import { BODY_WORDS, ITEM_TYPES, TYPE_ITEMS } from '../model/lower';
import type { FutureReport, Position, Range } from '../model/report';
import { detachedText, type SyntaxNode } from '../syntax/parser';
import { before, textMoves, type TextMoves } from './text-moves';

interface Located {
  range: Range;
}

/** What one fn's walk produced, and what it read. */
interface FnEntry<R extends Located, A extends Located> {
  text: string;
  /** Other fns read, transitively: position key -> text. */
  deps: Map<string, string>;
  reports: { type: string; report: FutureReport }[];
  requirements: R[];
  arcs: A[];
}

/** How a reused fn's results are put back into the analysis of the new text. */
export interface ReuseSink<R, A> {
  report(node: SyntaxNode, report: FutureReport): void;
  requirement(r: R): void;
  arc(a: A): void;
}

/** The node a report is keyed by, from its kind. */
const NODE_TYPES: Record<FutureReport['kind'], string> = {
  'async-fn': 'function_item',
  'async-block': 'async_block',
  'async-closure': 'closure_expression',
};

/** The nodes lower.ts reads in a fn body, and the `macro_rules!` that item macros read anywhere. */
const BODY_ITEMS = [...Object.keys(TYPE_ITEMS), ...ITEM_TYPES, 'macro_definition'];

/** The fns' texts an analysis keeps for the next: this many times the file's, and this many characters more. */
const KEPT_TEXT_FACTOR = 4;
const KEPT_TEXT_SLACK = 1 << 20;

const keyOf = (node: SyntaxNode): string => `${node.startPosition.row}:${node.startPosition.column}`;

/** A key of a fn at another place (see TextMoves), or undefined. */
function movedKey(key: string, move: (at: Position, side: 'start') => Position | undefined): string | undefined {
  const [line, character] = key.split(':').map(Number);
  const moved = move({ line, character }, 'start');
  return moved && `${moved.line}:${moved.character}`;
}

/**
 * The fns' results of the last analyses, one set per file context (the most recent `capacity`
 * contexts). Results are shared read-only between analyses: nothing downstream mutates them.
 */
export class FutureReuse<R extends Located, A extends Located> {
  /** Each context's fns' results, and the text they were found in (their places are its). */
  private readonly contexts = new Map<string, { text: string; fns: Map<string, FnEntry<R, A>> }>();
  /** Fns reused and fns walked, over the object's life (for tests and the bench). */
  readonly stats = { reused: 0, walked: 0 };

  /**
   * `linesElsewhere`: the results may name lines of other files (a crate's files, analysed each
   * in its crate), which an edit of this one does not move (see TextMoves).
   */
  constructor(
    private readonly capacity = 8,
    private readonly linesElsewhere = false,
  ) {}

  /** The last skeletons without their layout: most edits leave the skeleton as it was. */
  private readonly layouts = new Map<string, string>();

  private withoutLayout(skeleton: string): string {
    let found = this.layouts.get(skeleton);
    if (found === undefined) {
      found = withoutLayout(skeleton);
      if (this.layouts.size >= this.capacity) this.layouts.delete(this.layouts.keys().next().value!);
    } else this.layouts.delete(skeleton);
    this.layouts.set(skeleton, found);
    return found;
  }

  /**
   * One analysis of a file: `text` is the whole file's (not its tree root's: the root starts at
   * the first token, and a crate's file may be parsed with its item macros' bodies blanked),
   * `fns` its `function_item`s, `context` what the caller's verdicts depend on.
   */
  begin(context: string, text: string, fns: SyntaxNode[]): ReuseSession<R, A> {
    const key = `${context}\u0000${this.withoutLayout(skeleton(text, fns))}`;
    const previous = this.contexts.get(key);
    this.contexts.delete(key);
    const moves = previous && previous.text !== text ? textMoves(previous.text, text, this.linesElsewhere) : undefined;
    return new ReuseSession(
      text,
      fns,
      previous?.fns,
      moves,
      (next) => {
        this.contexts.set(key, { text, fns: next });
        for (const old of this.contexts.keys()) {
          if (this.contexts.size <= this.capacity) break;
          this.contexts.delete(old);
        }
      },
      this.stats,
    );
  }
}

/**
 * The file's text with each fn body that declares nothing replaced by `{}`. The items of a
 * body kept whole are listed once, and the fns nested in it look theirs up in that list: asking
 * each nested body for its own made deep nesting quadratic (3,000 nested fns took a minute).
 */
function skeleton(text: string, fns: SyntaxNode[]): string {
  const parts: string[] = [];
  let at = 0;
  // The outermost body kept whole around the fns met now, and the starts of the items in it.
  let kept: { end: number; items: number[] } | undefined;
  for (const fn of fns) {
    const body = fn.childForFieldName('body');
    if (!body || body.startIndex < at) continue; // no body, or inside a body blanked out
    if (kept && body.startIndex >= kept.end) kept = undefined;
    let declares: boolean;
    if (kept) declares = anyWithin(kept.items, body.startIndex, body.endIndex);
    else {
      // A word in a comment declares none: the tree says (read only when a word is there).
      const items = BODY_WORDS.test(text.slice(body.startIndex, body.endIndex))
        ? body.descendantsOfType(BODY_ITEMS).flatMap((item) => (item ? [item.startIndex] : []))
        : [];
      declares = items.length > 0;
      if (declares) kept = { end: body.endIndex, items };
    }
    if (declares) continue; // part of the skeleton
    parts.push(text.slice(at, body.startIndex), '{}');
    at = body.endIndex;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Whether a sorted list holds a value strictly between `start` and `end`. */
function anyWithin(sorted: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= start) low = mid + 1;
    else high = mid;
  }
  return low < sorted.length && sorted[low] < end;
}

/**
 * The text with spaces and tabs at the ends of lines dropped, the others one space each, and
 * blank lines and lines of a `//` comment (a doc comment too) dropped: an edit of indentation,
 * spacing, blank lines or such comments changes no token a fn's futures read, so no fn's results
 * but for their places, which are moved (see TextMoves). (A line inside a string literal that
 * starts with `//` is dropped too: the futures read no string's contents.)
 */
function withoutLayout(text: string): string {
  // Runs that start or end a line go, then the others become one space (two passes without a
  // callback: a callback per run took 1.3 ms of an edit of a 5,000-line file, these 0.5). A run
  // is tried as a line's end only from its first blank: from each of its blanks, a long line of
  // blanks took the regex a time quadratic in its length (40 s for 150 KB).
  return text
    .replace(/^[ \t]*\/\/.*$/gm, '')
    .replace(/(^|\n)[ \t]+|(?<![ \t])[ \t]+(?=\n|$)/g, '$1')
    .replace(/[ \t]{2,}|\t/g, ' ')
    .replace(/\n(?:\r?\n)+/g, '\n');
}

interface Span {
  key: string;
  start: Range['start'];
  end: Range['end'];
}

interface Frame {
  key: string;
  deps: Map<string, string>;
  keep: boolean;
}

export class ReuseSession<R extends Located, A extends Located> {
  private readonly texts = new Map<string, string>();
  private readonly fnByKey = new Map<string, SyntaxNode>();
  private readonly next = new Map<string, FnEntry<R, A>>();
  private readonly stack: Frame[] = [];
  /** Fns whose results are known in this analysis (walked or reused), with what they read. */
  private readonly done = new Map<string, { deps: Map<string, string>; keep: boolean }>();

  private readonly textLength: number;

  constructor(
    text: string,
    fns: SyntaxNode[],
    private readonly previous: Map<string, FnEntry<R, A>> | undefined,
    /** How the text moved since `previous` was found in it (undefined: it did not change). */
    private readonly moves: TextMoves | undefined,
    private readonly store: (next: Map<string, FnEntry<R, A>>) => void,
    private readonly stats: { reused: number; walked: number },
  ) {
    this.textLength = text.length;
    for (const fn of fns) {
      const key = keyOf(fn);
      this.texts.set(key, text.slice(fn.startIndex, fn.endIndex));
      this.fnByKey.set(key, fn);
    }
  }

  /** Puts back the last results of `fn` when nothing they depend on changed; false: walk it. */
  reuse(fn: SyntaxNode, sink: ReuseSink<R, A>): boolean {
    const key = keyOf(fn);
    const before = this.moves ? movedKey(key, this.moves.back) : key;
    const kept = before === undefined ? undefined : this.previous?.get(before);
    if (!kept || kept.text !== this.texts.get(key)) return false;
    const entry = this.moves ? moved(kept, this.moves) : kept;
    if (!entry) return false;
    for (const [dep, text] of entry.deps) if (this.texts.get(dep) !== text) return false;
    const nodes: SyntaxNode[] = [];
    for (const { type, report } of entry.reports) {
      const node = locate(fn, type, report.range);
      if (!node) return false;
      nodes.push(node);
    }
    entry.reports.forEach(({ report }, i) => sink.report(nodes[i], report));
    for (const r of entry.requirements) sink.requirement(r);
    for (const a of entry.arcs) sink.arc(a);
    this.done.set(key, { deps: entry.deps, keep: true });
    this.next.set(key, entry);
    this.stats.reused++;
    return true;
  }

  /** `fn`'s walk starts. */
  enter(fn: SyntaxNode): void {
    this.stack.push({ key: keyOf(fn), deps: new Map(), keep: this.listed(fn) });
  }

  /**
   * Whether `fn` is one of the file's fns this session keys (a fn of an item macro's expansion,
   * walked when a call names it, is in another tree: its results are not kept).
   */
  private listed(fn: SyntaxNode): boolean {
    return this.fnByKey.get(keyOf(fn))?.id === fn.id;
  }

  /** `fn`'s walk ended. */
  leave(): void {
    const frame = this.stack.pop();
    if (frame) this.done.set(frame.key, frame);
    this.stats.walked++;
  }

  /**
   * `fn` has nothing a walk could find (see walkPlain): kept as walked, with nothing found. What
   * decided it (its text, the signatures it may call) is in the key, as for a walk.
   */
  nothingIn(fn: SyntaxNode): void {
    this.done.set(keyOf(fn), { deps: new Map(), keep: this.listed(fn) });
  }

  /** The walk on top read the futures of `fn` (the fn holding the future read). */
  read(fn: SyntaxNode): void {
    const top = this.stack.at(-1);
    const key = keyOf(fn);
    if (!top || top.key === key) return;
    if (this.stack.some((f) => f.key === key)) return this.recursion();
    const text = this.texts.get(key);
    if (text === undefined) {
      top.keep = false;
      return;
    }
    top.deps.set(key, text);
    const known = this.done.get(key);
    if (!known) return;
    for (const [k, t] of known.deps) top.deps.set(k, t);
    if (!known.keep) top.keep = false;
  }

  /** A walk met a fn still being walked: every walk under way depends on the order. */
  recursion(): void {
    for (const frame of this.stack) frame.keep = false;
  }

  /**
   * The analysis is done: the fns walked in it keep their own results (each report, requirement
   * and `Arc::new` goes to the innermost fn around it), for the next analysis.
   */
  end(futures: FutureReport[], requirements: R[], arcs: A[]): void {
    const fresh = new Map<string, FnEntry<R, A>>();
    // The texts kept are bounded by the file's: a fn keeps its whole text, nested fns' included,
    // and the texts of those it read, so deep nesting kept a quadratic amount (10,000 nested fns
    // in 270 KB took 8 s to copy). Past the bound, a fn is walked again next time.
    let room = KEPT_TEXT_FACTOR * this.textLength + KEPT_TEXT_SLACK;
    for (const [key, d] of this.done) {
      if (!d.keep || this.next.has(key)) continue;
      const text = this.texts.get(key)!;
      let size = text.length;
      for (const t of d.deps.values()) size += t.length;
      if (size > room) continue;
      room -= size;
      fresh.set(key, { text, deps: d.deps, reports: [], requirements: [], arcs: [] });
    }
    if (fresh.size > 0) {
      // Nested fns are walked apart: the innermost fn around a result is the one that made it.
      const owner = (r: Range) => {
        let best: Span | undefined;
        for (const s of this.allSpans())
          if (!before(r.start, s.start) && before(r.start, s.end) && (!best || before(best.start, s.start))) best = s;
        return best && fresh.get(best.key);
      };
      for (const report of futures) owner(report.range)?.reports.push({ type: NODE_TYPES[report.kind], report });
      for (const r of requirements) owner(r.range)?.requirements.push(r);
      for (const a of arcs) owner(a.range)?.arcs.push(a);
      for (const [key, entry] of fresh) this.next.set(key, detachStrings(entry));
    }
    this.store(this.next);
  }

  private spans?: Span[];

  private allSpans(): Span[] {
    this.spans ??= [...this.fnByKey].map(([key, fn]) => ({
      key,
      start: { line: fn.startPosition.row, character: fn.startPosition.column },
      end: { line: fn.endPosition.row, character: fn.endPosition.column },
    }));
    return this.spans;
  }
}

/**
 * `value` with each string in its plain objects, arrays and maps a copy of its own, in place. An
 * entry outlives its analysis by many edits, and a string cut from the file's text (a fn's text,
 * a name, an argument) or joined from such pieces keeps that whole text alive: entries made over
 * many edits kept as many versions of the file. (Instances of classes are left as they are.)
 */
function detachStrings<T>(value: T): T {
  if (typeof value === 'string') return detachedText(value) as T;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) list[i] = detachStrings(list[i]);
  } else if (value instanceof Map) {
    const map = value as Map<unknown, unknown>;
    for (const [k, v] of map) map.set(k, detachStrings(v));
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) record[k] = detachStrings(record[k]);
  }
  return value;
}

/**
 * A fn's results at the places the edit moved them to (the same entry where nothing moved), the
 * fns it read keyed by their new places; undefined where a place cannot be moved.
 */
function moved<R extends Located, A extends Located>(
  entry: FnEntry<R, A>,
  moves: TextMoves,
): FnEntry<R, A> | undefined {
  if (!moves.canRename([entry.text, ...entry.deps.values()])) return undefined;
  const deps = new Map<string, string>();
  for (const [key, text] of entry.deps) {
    const at = movedKey(key, moves.forward);
    if (at === undefined) return undefined;
    deps.set(at, text);
  }
  const reports = moves.relocate(entry.reports);
  const requirements = moves.relocate(entry.requirements);
  const arcs = moves.relocate(entry.arcs);
  if (!reports || !requirements || !arcs) return undefined;
  return { text: entry.text, deps, reports, requirements, arcs };
}

/** The node of type `type` spanning exactly `range`, inside `fn`. */
function locate(fn: SyntaxNode, type: string, range: Range): SyntaxNode | undefined {
  if (fn.type === type && sameRange(fn, range)) return fn;
  let node: SyntaxNode | null = fn.descendantForPosition(
    { row: range.start.line, column: range.start.character },
    { row: range.end.line, column: range.end.character },
  );
  for (; node && sameStart(node, range); node = node.parent)
    if (node.type === type && sameRange(node, range)) return node;
  return undefined;
}

function sameStart(node: SyntaxNode, r: Range): boolean {
  return node.startPosition.row === r.start.line && node.startPosition.column === r.start.character;
}

function sameRange(node: SyntaxNode, r: Range): boolean {
  return sameStart(node, r) && node.endPosition.row === r.end.line && node.endPosition.column === r.end.character;
}
