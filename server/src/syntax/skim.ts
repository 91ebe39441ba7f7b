// A dependency's file is read for the outside of its items: what its types hold, its impls, its
// fns' signatures, its macros. Its comments and the bodies of its plain fns are never read, yet
// they are a third of a registry's text (declaration-heavy crates such as libc or winapi have
// far less: their trees shrink by a few percent). `skimDependency` blanks them before the file
// is parsed: each blanked character becomes a space, line breaks stay, so every offset, line and
// column of what is left is where it was. The parse then reads only the spans between the blanks
// (`readSpans`), so the spaces cost it nothing either.
//
// A lexer, not a parser: it knows Rust's comments, strings (raw, byte, C), char literals and
// lifetimes, so a `}` or `//` inside one is not taken for code. It keeps, whole:
// - the body of an `async fn`, and of a fn whose signature names `impl`, `async` or a type
//   whose name holds `Future` (`BoxFuture`, `TryFuture`): the futures analysis may read it;
// - a body that holds the word `impl` (an impl in a fn body applies to the whole crate);
// - every fn inside a macro's delimiters (`macro_rules!` transcribers, the bodies of item macros
//   such as `cfg_rt! { .. }`, which the analysis reads again as items);
// - anything it cannot match: an unterminated body or signature is left as it is.
//
// The same lexer blanks, in every file read from disk (a crate's own too), the insides of the
// item macros' calls before the file's own tree is parsed (`blankItemMacroBodies`): those
// bodies are read as items, from the file's text, by item-macros.ts.

/** `text` with its comments and plain fn bodies turned into spaces (line breaks kept). */
export function skimDependency(text: string): string {
  return skimmedDependency(text).text;
}

/**
 * A text with parts turned into spaces, and those parts (`blanks`, sorted by start, may overlap):
 * a parse need not read them (see readSpans).
 */
export interface BlankedText {
  text: string;
  blanks: Span[];
}

/** skimDependency, with what it blanked. */
export function skimmedDependency(text: string): BlankedText {
  const blanks = new Lexer(text).skim();
  return { text: blanked(text, blanks), blanks };
}

/** blankItemMacroBodies of a text already blanked: what both blanked. */
export function withItemMacroBodiesBlanked({ text, blanks }: BlankedText): BlankedText {
  const more = new Lexer(text).itemMacroBodies();
  if (more.length === 0) return { text, blanks };
  return { text: blanked(text, more), blanks: [...blanks, ...more].sort((a, b) => a.start - b.start) };
}

/**
 * What is left to read of a blanked text: the spans between its blanks, or undefined when nothing
 * was blanked (the whole text is read). A parse given them skips the blanks' spaces and makes the
 * same tree, node for node at the same places: on the 3,020 files of a registry of 107 crates,
 * skimmed as dependencies, in 2.9 s instead of 4.0 s.
 */
export function readSpans({ text, blanks }: BlankedText): Span[] | undefined {
  if (blanks.length === 0) return undefined;
  const read: Span[] = [];
  let at = 0;
  for (const { start, end } of blanks) {
    if (start > at) read.push({ start: at, end: start });
    at = Math.max(at, end);
  }
  if (at < text.length) read.push({ start: at, end: text.length });
  // All blank: the text is read whole (it is spaces).
  return read.length > 0 ? read : undefined;
}

/**
 * `text` with the insides of its item-level macro calls turned into spaces (line breaks kept),
 * for the file's own tree: `cfg_rt! { .. }`, `STRUCT! { .. }`, `s! { .. }`, `m!(..);` written where
 * an item goes (a file's or an inline `mod`'s top level, an impl's or a trait's body). The
 * analysis reads such a body only as items, parsed again from the file's text (item-macros.ts);
 * as a macro's tokens, in the file's tree, it is the bulk of a declaration-heavy file's nodes
 * (winapi's trees take a third of the memory without them). Kept: `macro_rules!` definitions, a
 * leading `#![..]` (it names the call's `#[cfg]`), and the `#[cfg(..)]` conditions of `cfg_if!`,
 * whose branches' insides alone are blanked. The delimiters stay, so each call keeps its span.
 */
export function blankItemMacroBodies(text: string): string {
  return withItemMacroBodiesBlanked({ text, blanks: [] }).text;
}

/** `text` with `blanks` (sorted here, may overlap) turned into spaces, line breaks kept. */
function blanked(text: string, blanks: Span[]): string {
  if (blanks.length === 0) return text;
  blanks.sort((a, b) => a.start - b.start);
  // Without a `\r`, the line breaks are found by indexOf: 2.5 times faster than a replace.
  const lineFeedsOnly = !text.includes('\r');
  const parts: string[] = [];
  let at = 0;
  for (const { start, end } of blanks) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    parts.push(text.slice(at, from));
    if (lineFeedsOnly) pushBlank(parts, text, from, end);
    else parts.push(text.slice(from, end).replace(/[^\r\n]+/g, (run) => ' '.repeat(run.length)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

const SPACES = ' '.repeat(256);

/** Spaces for `text` from `from` to `end`, its `\n`s kept (it has no `\r`). */
function pushBlank(parts: string[], text: string, from: number, end: number): void {
  for (let at = from; ;) {
    let eol = text.indexOf('\n', at);
    if (eol < 0 || eol > end) eol = end;
    for (let n = eol - at; n > 0; n -= SPACES.length) parts.push(n >= SPACES.length ? SPACES : SPACES.slice(0, n));
    if (eol >= end) return;
    parts.push('\n');
    at = eol + 1;
  }
}

export interface Span {
  start: number;
  end: number;
}

const enum Kind {
  Ident,
  Punct,
  Literal,
  End,
}

interface Token {
  kind: Kind;
  start: number;
  end: number;
  /**
   * A punctuation's char; an identifier's name when short enough to be a word looked for (up to
   * 11 chars, `macro_rules`), else ''. `r#fn` is kept as written, so it is not the keyword.
   */
  text: string;
}

/** The longest word the lexer looks for: `macro_rules`. */
const MAX_WORD = 11;
const OPENERS = '([{';
const CLOSERS = ')]}';

class Lexer {
  private at = 0;
  /** Comments met, and fn bodies to blank. */
  private readonly blanks: Span[] = [];
  /** Comments already recorded, by start: a lookahead that gives up reads some of them again. */
  private readonly commentStarts = new Set<number>();

  constructor(private readonly text: string) {}

  skim(): Span[] {
    const { text } = this;
    // A shebang line (`#!` not opening an inner attribute) is not Rust.
    if (text.startsWith('#!') && !/^#!\s*\[/.test(text)) {
      const eol = text.indexOf('\n');
      this.at = eol < 0 ? text.length : eol;
    }
    // For each open delimiter: whether it opens a macro's tokens.
    const frames: boolean[] = [];
    let inMacro = 0;
    // `name!` or `macro_rules! name` just read: the next opener opens a macro's tokens.
    let macroNext = false;
    let rulesName = false;
    let previous: Token | undefined;
    let asyncSeen = false;
    for (let token = this.next(); token.kind !== Kind.End; previous = token, token = this.next()) {
      if (token.kind === Kind.Punct && OPENERS.includes(token.text)) {
        const opensMacro = macroNext;
        frames.push(opensMacro);
        if (opensMacro) inMacro++;
        macroNext = rulesName = false;
        if (token.text === '{') asyncSeen = false;
        continue;
      }
      if (token.kind === Kind.Punct && CLOSERS.includes(token.text)) {
        if (frames.pop()) inMacro--;
        macroNext = rulesName = false;
        if (token.text === '}') asyncSeen = false;
        continue;
      }
      if (token.kind === Kind.Punct && token.text === '!' && previous?.kind === Kind.Ident) {
        macroNext = true;
        rulesName = previous.text === 'macro_rules';
        continue;
      }
      if (rulesName && token.kind === Kind.Ident) {
        rulesName = false;
        continue;
      }
      macroNext = rulesName = false;
      if (token.kind === Kind.Punct && token.text === ';') asyncSeen = false;
      if (token.kind !== Kind.Ident) continue;
      if (token.text === 'async') asyncSeen = true;
      else if (token.text === 'fn' && inMacro === 0) {
        this.fnBody(asyncSeen);
        asyncSeen = false;
      }
    }
    return this.blanks;
  }

  /** The insides of item-level macro calls (see blankItemMacroBodies). */
  itemMacroBodies(): Span[] {
    const out: Span[] = [];
    // How many `mod`, impl or trait bodies are open around here: every other group is read
    // through at once, as nothing in it is an item this looks for.
    let depth = 0;
    // The item read so far: nothing yet (attributes aside), a path that may name a macro, its
    // `!`, or anything else; and whether its first deciding keyword says its `{` opens items.
    let head: 'empty' | 'attribute' | 'path' | 'bang' | 'other' = 'empty';
    let opensItems = false;
    let decided = false;
    let callName = '';
    const nextItem = () => {
      head = 'empty';
      opensItems = decided = false;
    };
    for (let token = this.next(); token.kind !== Kind.End; token = this.next()) {
      const c = token.kind === Kind.Punct ? token.text : '';
      if (c !== '' && OPENERS.includes(c)) {
        if (c === '{' && head !== 'bang' && head !== 'attribute' && opensItems) {
          depth++;
          nextItem();
          continue;
        }
        const close = this.groupEnd();
        if (close === undefined) break;
        this.at = close + 1;
        if (head === 'bang') {
          if (lastSegment(callName) === 'cfg_if') out.push(...this.cfgIfBranches(token.end, close));
          else {
            const start = this.afterInnerAttribute(token.end, close);
            if (start < close) out.push({ start, end: close });
          }
          this.at = close + 1;
        }
        // An attribute is read through; a `{ .. }` (a call's, a fn's body) ends its item, and a
        // call's `( .. )` ends at the `;` after it.
        if (c === '{') nextItem();
        else if (head === 'attribute') head = 'empty';
        else head = 'other';
        continue;
      }
      if (c !== '' && CLOSERS.includes(c)) {
        // The end of a `mod`'s, impl's or trait's body (a stray closer is read through).
        if (c === '}' && depth > 0) depth--;
        nextItem();
        continue;
      }
      if (c === ';') {
        nextItem();
        continue;
      }
      if (c === '#' && (head === 'empty' || head === 'attribute')) {
        head = 'attribute';
        continue;
      }
      if (c === '!' && head === 'attribute') continue;
      if (token.kind === Kind.Ident && head === 'empty') {
        head = 'path';
        callName = this.text.slice(token.start, token.end);
      } else if (token.kind === Kind.Ident && head === 'path' && this.text[token.start - 1] === ':') {
        callName += `::${this.text.slice(token.start, token.end)}`;
      } else if (c === ':' && head === 'path') {
        // `a::b!`: the path goes on.
      } else if (c === '!' && head === 'path' && callName !== 'macro_rules') head = 'bang';
      else head = 'other';
      if (token.kind === Kind.Ident && !decided) {
        const word = token.text;
        if (word === 'mod' || word === 'impl' || word === 'trait') opensItems = decided = true;
        else if (DECIDING.has(word)) decided = true;
      }
    }
    return out;
  }

  /** After an opener: where its matching closer starts (undefined: none). */
  private groupEnd(): number | undefined {
    let depth = 1;
    for (;;) {
      const kind = this.scan();
      if (kind === Kind.End) return undefined;
      if (kind !== Kind.Punct) continue;
      const c = this.text.charCodeAt(this.tokenStart);
      if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
      else if ((c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) && --depth === 0) return this.tokenStart;
    }
  }

  /** Where a call's body, from `start` to `end`, goes on after a leading `#![..]`, if it has one. */
  private afterInnerAttribute(start: number, end: number): number {
    this.at = start;
    const hash = this.next();
    const bang = this.next();
    const open = this.next();
    if (hash.text !== '#' || bang.text !== '!' || open.text !== '[' || open.start >= end) return start;
    const close = this.groupEnd();
    return close === undefined || close >= end ? end : close + 1;
  }

  /** `cfg_if! { if #[cfg(a)] { .. } else { .. } }`, from `start` to `end`: each branch's inside. */
  private cfgIfBranches(start: number, end: number): Span[] {
    const out: Span[] = [];
    this.at = start;
    for (let token = this.next(); token.kind !== Kind.End && token.start < end; token = this.next()) {
      if (token.kind !== Kind.Punct || !OPENERS.includes(token.text)) continue;
      const close = this.groupEnd();
      if (close === undefined || close > end) break;
      if (token.text === '{' && token.end < close) out.push({ start: token.end, end: close });
      this.at = close + 1;
    }
    return out;
  }

  /**
   * After `fn`: if a name, a signature and a body follow and the body may be blanked, records it
   * and goes on after the body; otherwise goes on right after `fn`, as if nothing was read.
   */
  private fnBody(isAsync: boolean): void {
    const resume = this.at;
    const name = this.next();
    // `fn(u8) -> u8` is a type; `$(fn $name ..)` a macro's matcher.
    if (name.kind !== Kind.Ident) {
      this.at = resume;
      return;
    }
    let keep = isAsync;
    let parens = 0;
    let angles = 0;
    for (;;) {
      const token = this.next();
      if (token.kind === Kind.End) break;
      if (token.kind === Kind.Ident) {
        const long = token.end - token.start >= 6 && this.text.slice(token.start, token.end).includes('Future');
        if (long || token.text === 'impl' || token.text === 'async') keep = true;
        continue;
      }
      if (token.kind !== Kind.Punct) continue;
      const c = token.text;
      if (c === '(' || c === '[') parens++;
      else if (c === ')' || c === ']') parens--;
      else if (c === '<') angles++;
      // `->` is not a closing angle.
      else if (c === '>' && this.text[token.start - 1] !== '-') angles--;
      if (parens < 0 || angles < 0 || c === '}' || (c === ';' && parens === 0 && angles === 0)) break;
      if (c !== '{') continue;
      // A block inside the signature: a const generic argument (`Foo<{ N + 1 }>`).
      if (parens > 0 || angles > 0) {
        if (this.skipBlock() === undefined) break;
        continue;
      }
      if (keep) break;
      const close = this.skipBlock();
      if (close === undefined || this.sawImpl) break;
      this.blanks.push({ start: token.end, end: close });
      return;
    }
    this.at = resume;
  }

  /** Whether the last block skipped held the word `impl`. */
  private sawImpl = false;

  /** After a `{`: reads to its matching `}` and returns where that `}` starts (undefined: none). */
  private skipBlock(): number | undefined {
    let depth = 1;
    this.sawImpl = false;
    for (;;) {
      const kind = this.scan();
      if (kind === Kind.End) return undefined;
      if (kind === Kind.Ident) {
        if (this.at - this.tokenStart === 4 && this.text.startsWith('impl', this.tokenStart)) this.sawImpl = true;
      } else if (this.isPunct(kind, OPEN_BRACE)) depth++;
      else if (this.isPunct(kind, CLOSE_BRACE) && --depth === 0) return this.tokenStart;
    }
  }

  /** The next token; comments and whitespace are skipped (comments recorded as blanks). */
  private next(): Token {
    const kind = this.scan();
    const start = this.tokenStart;
    const end = this.at;
    let text = '';
    if (kind === Kind.Punct) text = this.text[start];
    else if (kind === Kind.Ident && end - start <= MAX_WORD) text = this.text.slice(start, end);
    return { kind, start, end, text };
  }

  /** Where the token `scan` read last starts (it ends at `at`). */
  private tokenStart = 0;

  /**
   * `next` without a Token made: reads the next token, and says its kind; it starts at
   * `tokenStart` and ends at `at`. Groups and bodies read through this way cost no memory.
   */
  private scan(): Kind {
    const { text } = this;
    const n = text.length;
    for (;;) {
      let i = this.at;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) {
        this.at = this.tokenStart = n;
        return Kind.End;
      }
      const c = text.charCodeAt(i);
      if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
        const eol = text.indexOf('\n', i);
        // A `\r\n` ends the comment at the `\r`.
        let end = eol < 0 ? n : eol;
        if (end > i && text.charCodeAt(end - 1) === CR) end--;
        this.comment(i, end);
        this.at = end;
        continue;
      }
      if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
        const end = this.blockCommentEnd(i);
        this.comment(i, end);
        this.at = end;
        continue;
      }
      if (isIdentStart(c)) return this.identOrLiteral(i);
      if (c >= ZERO && c <= NINE) return this.number(i);
      if (c === QUOTE) return this.literal(i, this.stringEnd(i + 1));
      if (c === APOSTROPHE) return this.charOrLifetime(i);
      return this.token(Kind.Punct, i, i + 1);
    }
  }

  /** Whether the token `scan` read last is the punctuation `c` (a char code). */
  private isPunct(kind: Kind, c: number): boolean {
    return kind === Kind.Punct && this.text.charCodeAt(this.tokenStart) === c;
  }

  private comment(start: number, end: number): void {
    if (end <= start || this.commentStarts.has(start)) return;
    this.commentStarts.add(start);
    this.blanks.push({ start, end });
  }

  /** Block comments nest; an unterminated one runs to the end of the text. */
  private blockCommentEnd(start: number): number {
    const { text } = this;
    let depth = 0;
    let i = start;
    while (i < text.length) {
      if (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) === STAR) {
        depth++;
        i += 2;
      } else if (text.charCodeAt(i) === STAR && text.charCodeAt(i + 1) === SLASH) {
        i += 2;
        if (--depth === 0) return i;
      } else i++;
    }
    return text.length;
  }

  private identOrLiteral(start: number): Kind {
    const { text } = this;
    let i = start + 1;
    while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
    // The words that prefix a literal: `r`, `br`, `cr`, `b`, `c`.
    const first = text.charCodeAt(start);
    const one = i - start === 1;
    const r = one
      ? first === LOWER_R
      : i - start === 2 && (first === LOWER_B || first === LOWER_C) && text.charCodeAt(start + 1) === LOWER_R;
    const after = text.charCodeAt(i);
    if (r) {
      // `r"..."`, `r#"..."#`: a raw string, no escapes.
      let hashes = 0;
      while (text.charCodeAt(i + hashes) === HASH) hashes++;
      if (text.charCodeAt(i + hashes) === QUOTE) return this.literal(start, this.rawStringEnd(i + hashes + 1, hashes));
      // `r#match`: a raw identifier, never a keyword.
      if (one && hashes === 1 && isIdentStart(text.charCodeAt(i + 1))) {
        let j = i + 2;
        while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
        return this.token(Kind.Ident, start, j);
      }
    }
    // `b"..."`, `c"..."`, `b'x'`: prefixed literals.
    if (one && (first === LOWER_B || first === LOWER_C) && after === QUOTE)
      return this.literal(start, this.stringEnd(i + 1));
    if (one && first === LOWER_B && after === APOSTROPHE) return this.charOrLifetime(i, start);
    return this.token(Kind.Ident, start, i);
  }

  private number(start: number): Kind {
    const { text } = this;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (isIdentPart(c)) i++;
      // `1.5`, not `1..2` nor `x.0.method()`'s second dot.
      else if (c === DOT && isDigit(text.charCodeAt(i + 1))) i++;
      else break;
    }
    return this.literal(start, i);
  }

  /** After the opening quote: past the closing one (or the end of the text). */
  private stringEnd(from: number): number {
    const { text } = this;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) return i + 1;
    }
    return text.length;
  }

  private rawStringEnd(from: number, hashes: number): number {
    const { text } = this;
    const close = `"${'#'.repeat(hashes)}`;
    const at = text.indexOf(close, from);
    return at < 0 ? text.length : at + close.length;
  }

  /** `'x'`, `'\n'`, `'\u{1F600}'`, a char of two UTF-16 units; otherwise a lifetime's `'`. */
  private charOrLifetime(quote: number, start = quote): Kind {
    const { text } = this;
    if (text.charCodeAt(quote + 1) === BACKSLASH) {
      let i = quote + 3;
      while (i < text.length && text.charCodeAt(i) !== APOSTROPHE && text.charCodeAt(i) !== LF) i++;
      return this.literal(start, Math.min(i + 1, text.length));
    }
    const first = text.charCodeAt(quote + 1);
    const width = first >= 0xd800 && first <= 0xdbff ? 2 : 1;
    if (text.charCodeAt(quote + 1 + width) === APOSTROPHE) return this.literal(start, quote + 2 + width);
    // `'a`, `'static`, a label: the name that follows is read as an identifier.
    return this.token(Kind.Punct, quote, quote + 1);
  }

  private literal(start: number, end: number): Kind {
    return this.token(Kind.Literal, start, end);
  }

  private token(kind: Kind, start: number, end: number): Kind {
    this.tokenStart = start;
    this.at = end;
    return kind;
  }
}

/** Keywords that say an item's `{` opens something other than items (`mod`, `impl` and `trait` open items). */
const DECIDING = new Set(['fn', 'struct', 'enum', 'union', 'const', 'static', 'type', 'extern', 'use', 'let']);

const lastSegment = (path: string) => path.slice(path.lastIndexOf(':') + 1);

const LF = 10;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const LOWER_B = 98;
const LOWER_C = 99;
const LOWER_R = 114;
const CR = 13;
const QUOTE = 34;
const HASH = 35;
const APOSTROPHE = 39;
const STAR = 42;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0x200e || c === 0x200f || c === 0x2028 || c === 0x2029;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0x80 && !isSpace(c));
}

/** For each ASCII char, whether it goes on an identifier: read by identifiers' every char. */
const ASCII_IDENT_PART = new Uint8Array(128).map((_, c) => (isIdentStart(c) || isDigit(c) ? 1 : 0));

function isIdentPart(c: number): boolean {
  return c < 128 ? ASCII_IDENT_PART[c] === 1 : isIdentStart(c);
}
