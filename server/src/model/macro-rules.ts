// `macro_rules!` expansion, for the item macros item-macros.ts cannot read by their shape: a call is
// matched against the rules in order (literal tokens, `$x:frag` bindings, `$( .. ) sep op`
// repetitions), the first rule that matches is transcribed, and the result is laid out as text to
// parse as items. Calls in that text (syn's `ast_struct!` calling `strip_attrs_pub!` calling
// `ast_struct!` again) are expanded in the next round, as any item macro's. Fragments that need
// Rust's parser (`ty`, `expr`, `item`, ..) are taken up to the tokens that may follow them; a call
// that matches no rule, or takes too many steps, expands to nothing rather than to a guess.
import type { SyntaxNode } from '../syntax/parser';

/** A token of a call (`at`: its offset in the file, when the call's text is the file's) or a group. */
type Tok =
  | { kind: 'tok'; text: string; at?: number }
  | { kind: 'group'; open: string; close: string; toks: Tok[]; at?: number; endAt?: number };

type Pat =
  | { kind: 'tok'; text: string }
  | { kind: 'group'; open: string; pats: Pat[] }
  | { kind: 'bind'; name: string; frag: string }
  | { kind: 'rep'; pats: Pat[]; sep?: string; op: string };

type Tpl =
  | { kind: 'tok'; text: string }
  | { kind: 'group'; open: string; close: string; tpls: Tpl[] }
  | { kind: 'var'; name: string }
  | { kind: 'rep'; tpls: Tpl[]; sep?: string; op: string };

export interface MacroRule {
  pats: Pat[];
  tpls: Tpl[];
}

/** One token of an expansion, with where the call wrote it (if it did). */
export interface OutTok {
  text: string;
  at?: number;
}

type Binding = { kind: 'one'; toks: Tok[] } | { kind: 'many'; items: Binding[] };
type Env = Map<string, Binding>;

/** Matching backtracks; past this many steps a call is left unexpanded. */
const MAX_STEPS = 20_000;
/** Longer expansions are not items anyone writes by hand: left unexpanded. */
const MAX_OUT = 200_000;

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The rules of a `macro_definition`, or undefined when one of them cannot be read. */
export function macroRules(def: SyntaxNode): MacroRule[] | undefined {
  const rules: MacroRule[] = [];
  for (const rule of def.namedChildren) {
    if (rule?.type !== 'macro_rule') continue;
    const left = rule.childForFieldName('left');
    const right = rule.childForFieldName('right');
    if (!left || !right) return undefined;
    rules.push({ pats: patternsOf(left), tpls: templatesOf(right) });
  }
  return rules.length > 0 ? rules : undefined;
}

/** The nodes between a token tree's delimiters, lifetimes (`'` then a name) joined. */
function inner(node: SyntaxNode): { node: SyntaxNode; text: string }[] {
  const kids = node.children.filter((c): c is SyntaxNode => c !== null);
  const out: { node: SyntaxNode; text: string }[] = [];
  for (let i = 1; i < kids.length - 1; i++) {
    const k = kids[i];
    if (k.text === "'" && kids[i + 1]?.type === 'identifier' && i + 1 < kids.length - 1) {
      out.push({ node: k, text: `'${kids[++i].text}` });
      continue;
    }
    out.push({ node: k, text: k.text });
  }
  return out;
}

const isComment = (n: SyntaxNode) => n.type === 'line_comment' || n.type === 'block_comment';

function patternsOf(node: SyntaxNode): Pat[] {
  const out: Pat[] = [];
  for (const { node: k, text } of inner(node)) {
    if (isComment(k)) continue;
    if (k.type === 'token_binding_pattern') {
      const name = k.namedChildren.find((c) => c?.type === 'metavariable')?.text.slice(1) ?? '';
      const frag = k.namedChildren.find((c) => c?.type === 'fragment_specifier')?.text ?? '';
      out.push({ kind: 'bind', name, frag });
    } else if (k.type === 'token_repetition_pattern') {
      const { body, sep, op } = repetitionParts(k);
      out.push({ kind: 'rep', pats: patternsOf(body), sep, op });
    } else if (k.type === 'token_tree_pattern') {
      out.push({ kind: 'group', open: k.text[0], pats: patternsOf(k) });
    } else {
      out.push({ kind: 'tok', text });
    }
  }
  return out;
}

function templatesOf(node: SyntaxNode): Tpl[] {
  const out: Tpl[] = [];
  for (const { node: k, text } of inner(node)) {
    // Comments in a transcriber are doc comments on its items at most: nothing the verdicts read.
    if (isComment(k)) continue;
    if (k.type === 'metavariable') {
      out.push(text === '$crate' ? { kind: 'tok', text: 'crate' } : { kind: 'var', name: text.slice(1) });
    } else if (k.type === 'token_repetition') {
      const { body, sep, op } = repetitionParts(k);
      out.push({ kind: 'rep', tpls: templatesOf(body), sep, op });
    } else if (k.type === 'token_tree') {
      out.push({ kind: 'group', open: k.text[0], close: CLOSE[k.text[0]] ?? '', tpls: templatesOf(k) });
    } else {
      out.push({ kind: 'tok', text });
    }
  }
  return out;
}

/**
 * `$( .. ) sep op`: the repetition's body read as a token tree of its own (a node spanning from
 * its `$` whose children are `$`, `(`, .., `)`, then the separator, if any, and the operator).
 */
function repetitionParts(node: SyntaxNode): { body: SyntaxNode; sep?: string; op: string } {
  const kids = node.children.filter((c): c is SyntaxNode => c !== null);
  let close = kids.length - 1;
  while (close > 0 && kids[close].text !== ')') close--;
  const op = kids.length - 1 > close ? kids[kids.length - 1] : undefined;
  // The grammar leaves the separator out of the children: it is the text between `)` and the operator.
  const sep = op ? node.text.slice(kids[close].endIndex - node.startIndex, op.startIndex - node.startIndex).trim() : '';
  // A fake token tree: `(` .. `)` are kids[1] and kids[close], which `inner` skips as delimiters.
  const body = { children: kids.slice(1, close + 1) } as unknown as SyntaxNode;
  return { body, sep: sep || undefined, op: op?.text ?? '*' };
}

/**
 * A call's tokens; `origin` gives a node's offset in the file's text (undefined: not the file's).
 * Doc comments become the `#[doc = ".."]` attributes rustc reads them as (`$(#[$m:meta])*` takes them).
 */
export function callTokens(tree: SyntaxNode, origin: (node: SyntaxNode) => number | undefined): Tok[] {
  const out: Tok[] = [];
  for (const { node: k, text } of inner(tree)) {
    if (k.type === 'token_tree') {
      const close = k.child(k.childCount - 1);
      out.push({
        kind: 'group',
        open: k.text[0],
        close: CLOSE[k.text[0]] ?? '',
        toks: callTokens(k, origin),
        at: origin(k),
        endAt: close ? origin(close) : undefined,
      });
    } else if (isComment(k)) {
      const doc = docAttribute(k);
      if (doc) out.push(...doc);
    } else {
      out.push({ kind: 'tok', text, at: origin(k) });
    }
  }
  return out;
}

function docAttribute(comment: SyntaxNode): Tok[] | undefined {
  const kinds = comment.namedChildren.map((c) => c?.type);
  const innerDoc = kinds.includes('inner_doc_comment_marker');
  if (!innerDoc && !kinds.includes('outer_doc_comment_marker')) return undefined;
  const content = comment.namedChildren.find((c) => c?.type === 'doc_comment')?.text ?? '';
  const value: Tok = { kind: 'tok', text: JSON.stringify(content.replace(/\n$/, '')) };
  const attr: Tok = {
    kind: 'group',
    open: '[',
    close: ']',
    toks: [{ kind: 'tok', text: 'doc' }, { kind: 'tok', text: '=' }, value],
  };
  return [{ kind: 'tok', text: '#' }, ...(innerDoc ? [{ kind: 'tok', text: '!' } as Tok] : []), attr];
}

/** The first rule's expansion of `toks`, or undefined when no rule matches. */
export function expandRules(rules: MacroRule[], toks: Tok[]): OutTok[] | undefined {
  try {
    return expandFirstRule(rules, toks);
  } catch (e) {
    // A call long enough to exhaust the stack (each token is a few frames deep) is left unexpanded.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function expandFirstRule(rules: MacroRule[], toks: Tok[]): OutTok[] | undefined {
  const budget = { steps: 0 };
  for (const rule of rules) {
    const env = matchSeq(rule.pats, 0, toks, 0, new Map(), budget, (ti, e) => (ti === toks.length ? e : undefined));
    if (budget.steps > MAX_STEPS) return undefined;
    if (!env) continue;
    const out: OutTok[] = [];
    return transcribe(rule.tpls, env, [], out) && out.length <= MAX_OUT ? out : undefined;
  }
  return undefined;
}

type Next = (ti: number, env: Env) => Env | undefined;

function matchSeq(
  pats: Pat[],
  pi: number,
  toks: Tok[],
  ti: number,
  env: Env,
  budget: { steps: number },
  k: Next,
): Env | undefined {
  if (++budget.steps > MAX_STEPS) return undefined;
  if (pi === pats.length) return k(ti, env);
  const p = pats[pi];
  const t = toks[ti];
  switch (p.kind) {
    case 'tok':
      return t?.kind === 'tok' && t.text === p.text ? matchSeq(pats, pi + 1, toks, ti + 1, env, budget, k) : undefined;
    case 'group':
      if (t?.kind !== 'group' || t.open !== p.open) return undefined;
      return matchSeq(p.pats, 0, t.toks, 0, env, budget, (end, e) =>
        end === t.toks.length ? matchSeq(pats, pi + 1, toks, ti + 1, e, budget, k) : undefined,
      );
    case 'bind': {
      const n = fragmentLength(p.frag, toks, ti);
      if (n === undefined) return undefined;
      const bound = new Map(env).set(p.name, { kind: 'one', toks: toks.slice(ti, ti + n) });
      return matchSeq(pats, pi + 1, toks, ti + n, bound, budget, k);
    }
    case 'rep': {
      // Greedy: as many iterations as match, fewer only when the rest does not match after them.
      // The iterations so far, the last first: a list shared by the attempts that backtrack.
      type Iters = { env: Env; before?: Iters; count: number } | undefined;
      const repeat = (at: number, iters: Iters): Env | undefined => {
        const count = iters?.count ?? 0;
        if (p.op !== '?' || count === 0) {
          const sepOk = count === 0 || !p.sep || (toks[at]?.kind === 'tok' && toks[at].text === p.sep);
          const start = count > 0 && p.sep ? at + 1 : at;
          const more = sepOk
            ? matchSeq(p.pats, 0, toks, start, new Map(), budget, (end, e) =>
                end > at ? repeat(end, { env: e, before: iters, count: count + 1 }) : undefined,
              )
            : undefined;
          if (more) return more;
        }
        if (p.op === '+' && count === 0) return undefined;
        const envs: Env[] = [];
        for (let i = iters; i; i = i.before) envs.push(i.env);
        envs.reverse();
        const merged = new Map(env);
        for (const name of boundNames(p.pats))
          merged.set(name, { kind: 'many', items: envs.map((e) => e.get(name) ?? { kind: 'many', items: [] }) });
        return matchSeq(pats, pi + 1, toks, at, merged, budget, k);
      };
      return repeat(ti, undefined);
    }
  }
}

/** The metavariables a pattern binds, read once per pattern (a repetition asks at every iteration). */
const namesOf = new WeakMap<Pat[], string[]>();

function boundNames(pats: Pat[]): string[] {
  let names = namesOf.get(pats);
  if (!names) {
    names = pats.flatMap((p) =>
      p.kind === 'bind' ? [p.name] : p.kind === 'group' || p.kind === 'rep' ? boundNames(p.pats) : [],
    );
    namesOf.set(pats, names);
  }
  return names;
}

const IDENT = /^(?:r#)?[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL = /^(?:[0-9]|"|'.+'$|b'|b"|r#*"|br#*"|c"|true$|false$)/;
const tokText = (t: Tok | undefined) => (t?.kind === 'tok' ? t.text : undefined);

/**
 * How many tokens a fragment of kind `frag` takes at `ti`, or undefined when none fits. Those that
 * need Rust's parser end at the first token (outside brackets, for types also outside `<..>`) of
 * those the language allows to follow them, which is where rustc's parser ends them too for the
 * inputs macros are written for.
 */
function fragmentLength(frag: string, toks: Tok[], ti: number): number | undefined {
  const t = toks[ti];
  const text = tokText(t);
  switch (frag) {
    case 'tt':
      return t ? 1 : undefined;
    case 'ident':
      return text !== undefined && IDENT.test(text) && text !== '_' ? 1 : undefined;
    case 'lifetime':
      return text !== undefined && /^'[A-Za-z_]\w*$/.test(text) ? 1 : undefined;
    case 'literal':
      if (text === '-' && LITERAL.test(tokText(toks[ti + 1]) ?? '')) return 2;
      return text !== undefined && LITERAL.test(text) ? 1 : undefined;
    case 'block':
      return t?.kind === 'group' && t.open === '{' ? 1 : undefined;
    case 'vis':
      if (text !== 'pub') return 0;
      return toks[ti + 1]?.kind === 'group' && (toks[ti + 1] as { open: string }).open === '(' ? 2 : 1;
    case 'meta':
      return metaLength(toks, ti);
    case 'item':
      return itemLength(toks, ti);
    case 'ty':
    case 'path':
      return untilFollow(toks, ti, TYPE_FOLLOW, true);
    case 'expr':
    case 'stmt':
      return untilFollow(toks, ti, new Set([',', ';', '=>']), false);
    case 'pat':
      return untilFollow(toks, ti, new Set(['=>', ',', '=', 'if', 'in']), false);
    case 'pat_param':
      return untilFollow(toks, ti, new Set(['=>', ',', '=', 'if', 'in', '|']), false);
    default:
      return undefined;
  }
}

const TYPE_FOLLOW = new Set(['{', '[', ',', '=>', ':', '=', '>', '>>', ';', '|', 'as', 'where']);

function untilFollow(toks: Tok[], ti: number, follow: Set<string>, angles: boolean): number | undefined {
  let depth = 0;
  let i = ti;
  for (; i < toks.length; i++) {
    const t = toks[i];
    const text = t.kind === 'tok' ? t.text : t.open;
    if (depth === 0 && i > ti && follow.has(text)) break;
    if (!angles || t.kind !== 'tok') continue;
    if (text === '<') depth++;
    else if (text === '<<') depth += 2;
    else if (text === '>' || text === '>>') {
      depth -= text.length;
      if (depth < 0) return undefined;
    }
  }
  return i > ti && depth === 0 ? i - ti : undefined;
}

/** `path`, `path(..)`, `path = value`: a `#[..]` attribute's inside. */
function metaLength(toks: Tok[], ti: number): number | undefined {
  let i = ti;
  if (tokText(toks[i]) === '::') i++;
  if (!IDENT.test(tokText(toks[i]) ?? '')) return undefined;
  i++;
  while (tokText(toks[i]) === '::' && IDENT.test(tokText(toks[i + 1]) ?? '')) i += 2;
  if (toks[i]?.kind === 'group') return i + 1 - ti;
  if (tokText(toks[i]) === '=') {
    const value = untilFollow(toks, i + 1, new Set([',']), false);
    return value === undefined ? undefined : i + 1 + value - ti;
  }
  return i - ti;
}

/** Attributes, then up to the first `;` or `{ .. }` outside brackets: an item's tokens. */
function itemLength(toks: Tok[], ti: number): number | undefined {
  let i = ti;
  while (tokText(toks[i]) === '#' && toks[i + 1]?.kind === 'group') i += 2;
  for (; i < toks.length; i++) {
    const t = toks[i];
    if ((t.kind === 'tok' && t.text === ';') || (t.kind === 'group' && t.open === '{')) return i + 1 - ti;
  }
  return undefined;
}

/** Writes `tpls` with `env`'s bindings into `out`; false when a metavariable's repetitions do not line up. */
function transcribe(tpls: Tpl[], env: Env, at: number[], out: OutTok[]): boolean {
  for (const t of tpls) {
    if (out.length > MAX_OUT) return false;
    switch (t.kind) {
      case 'tok':
        out.push({ text: t.text });
        break;
      case 'group':
        out.push({ text: t.open });
        if (!transcribe(t.tpls, env, at, out)) return false;
        out.push({ text: t.close });
        break;
      case 'var': {
        const b = lookup(env, t.name, at);
        if (b === undefined) {
          // Not a metavariable of this rule: rustc writes it as it is.
          out.push({ text: `$${t.name}` });
        } else if (b.kind === 'one') {
          writeTokens(b.toks, out);
        } else {
          return false;
        }
        break;
      }
      case 'rep': {
        const count = repetitions(t.tpls, env, at);
        if (count === undefined) return false;
        for (let i = 0; i < count; i++) {
          if (i > 0 && t.sep) out.push({ text: t.sep });
          if (!transcribe(t.tpls, env, [...at, i], out)) return false;
        }
        break;
      }
    }
  }
  return true;
}

function lookup(env: Env, name: string, at: number[]): Binding | undefined {
  let b = env.get(name);
  for (let d = 0; b?.kind === 'many' && d < at.length; d++) b = b.items[at[d]];
  return b;
}

/** How many times a `$( .. )` repeats: the length its metavariables, still repeating here, agree on. */
function repetitions(tpls: Tpl[], env: Env, at: number[]): number | undefined {
  let count: number | undefined;
  for (const name of templateVars(tpls)) {
    const b = lookup(env, name, at);
    if (b?.kind !== 'many') continue;
    if (count !== undefined && count !== b.items.length) return undefined;
    count = b.items.length;
  }
  return count;
}

function templateVars(tpls: Tpl[]): string[] {
  return tpls.flatMap((t) =>
    t.kind === 'var' ? [t.name] : t.kind === 'group' || t.kind === 'rep' ? templateVars(t.tpls) : [],
  );
}

function writeTokens(toks: Tok[], out: OutTok[]): void {
  for (const t of toks) {
    if (t.kind === 'tok') {
      out.push({ text: t.text, at: t.at });
      continue;
    }
    out.push({ text: t.open, at: t.at });
    writeTokens(t.toks, out);
    out.push({ text: t.close, at: t.endAt });
  }
}

/** Offsets of the starts of `text`'s lines. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function pointOf(starts: number[], offset: number): { row: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: offset - starts[lo] };
}

/**
 * Expansions as one text to parse, each in a span of its own, laid out from its call's point (row
 * and column in the file; `starts` are the file's line starts). Every token the call wrote is put
 * at its own row and column when the text so far has not passed them, so that a type's name and
 * fields are where the file has them; the macro's own tokens follow the token before them.
 */
export function layOut(
  expansions: { row: number; column: number; toks: OutTok[] }[],
  starts: number[],
): { text: string; spans: { start: number; end: number }[] } {
  const parts: string[] = [];
  let length = 0;
  let row = 0;
  let column = 0;
  /** Where the last token ended in the file, if it was the call's: a token right after it may touch it. */
  let touching: number | undefined;
  const write = (s: string) => {
    parts.push(s);
    length += s.length;
    const nl = s.lastIndexOf('\n');
    if (nl === -1) column += s.length;
    else {
      row += s.split('\n').length - 1;
      column = s.length - nl - 1;
    }
  };
  /** Moves to a point ahead; true when it did (or is there, right after the token before it in the file). */
  const moveTo = (p: { row: number; column: number }, adjacent = false): boolean => {
    if (p.row > row) {
      write('\n'.repeat(p.row - row) + ' '.repeat(p.column));
      return true;
    }
    if (p.row === row && (p.column > column || (adjacent && p.column === column))) {
      write(' '.repeat(p.column - column));
      return true;
    }
    return false;
  };
  const spans: { start: number; end: number }[] = [];
  for (const { row: callRow, column: callColumn, toks } of expansions) {
    moveTo({ row: callRow, column: callColumn });
    const start = length;
    // A space first, so that no token runs into the last one of the span before.
    write(' ');
    touching = undefined;
    let last = ' ';
    for (const t of toks) {
      if (t.at === undefined || !moveTo(pointOf(starts, t.at), touching === t.at)) {
        if (!joins(last, t.text)) write(' ');
      }
      write(t.text);
      last = t.text;
      touching = t.at === undefined ? undefined : t.at + t.text.length;
    }
    spans.push({ start, end: length });
  }
  return { text: parts.join(''), spans };
}

/**
 * Whether two tokens of an expansion may be written with nothing between them (`Span;`, `[Span`,
 * `crate::x`, `#[`): they cannot run together into another token, and a field's type then reads
 * in verdicts as it would in the file.
 */
function joins(before: string, after: string): boolean {
  return (
    /^[([#]$/.test(before) ||
    /^[)\]};,[(]$/.test(after) ||
    (before === '::' && /^\w/.test(after)) ||
    (after === '::' && /\w$/.test(before))
  );
}

/**
 * A node's offset in the file whose line starts are `starts`, when the node is at the same row and
 * column there and reads the same (the calls of a laid-out expansion, whose offsets are not the
 * file's, still name the file's tokens this way).
 */
export function fileOffset(node: SyntaxNode, text: string, starts: number[]): number | undefined {
  const { row, column } = node.startPosition;
  if (row >= starts.length) return undefined;
  const at = starts[row] + column;
  return text.startsWith(node.text, at) ? at : undefined;
}
