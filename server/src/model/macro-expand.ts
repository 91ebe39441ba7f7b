// A small `macro_rules!` expander, for item macros whose items no rule of item-macros.ts reads
// from the call's own text: quinn-proto's `apply_params!(make_struct)`, ring's
// `define_endian!(BigEndian)`. It matches a call's tokens against each rule in turn and writes the
// first match's right side with the fragments put in, as text on one line (the caller parses it
// at the call's place). It is conservative: a fragment it cannot delimit, a repetition whose
// variables repeat unequally, or too much work gives no expansion at all, never a guess.

/** A token of a macro's rules or of a call: a group holds its delimiters' contents. */
export interface Token {
  kind: 'ident' | 'lifetime' | 'literal' | 'punct' | 'group';
  text: string;
  /** `(`, `[` or `{`, for groups. */
  open?: string;
  children?: Token[];
  /** A punct written right before the next punct (`::`, `=>`, `->`): no space between them. */
  joint?: boolean;
}

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * The tokens of `text`; undefined when its delimiters do not balance. Comments are dropped,
 * except doc comments, which are `#[doc = ".."]` attributes as rustc reads them (a rule's
 * `$(#[$m:meta])*` takes them).
 */
export function tokenize(text: string): Token[] | undefined {
  const stack: Token[][] = [[]];
  const opens: string[] = [];
  let i = 0;
  const push = (t: Token) => stack[stack.length - 1].push(t);
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? text.length : end);
      const doc = /^\/\/([/!])(?!\/)(.*)$/.exec(line);
      if (doc) {
        push({ kind: 'punct', text: '#', joint: doc[1] === '!' });
        if (doc[1] === '!') push({ kind: 'punct', text: '!' });
        push({
          kind: 'group',
          text: '[',
          open: '[',
          children: [
            { kind: 'ident', text: 'doc' },
            { kind: 'punct', text: '=' },
            { kind: 'literal', text: JSON.stringify(doc[2]) },
          ],
        });
      }
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (text.startsWith('/*', i)) {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text.startsWith('/*', j)) {
          depth++;
          j++;
        } else if (text.startsWith('*/', j)) {
          depth--;
          j++;
          if (depth === 0) break;
        }
      }
      i = j + 1;
      continue;
    }
    if (c in CLOSE) {
      stack.push([]);
      opens.push(c);
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      const open = opens.pop();
      if (open === undefined || CLOSE[open] !== c) return undefined;
      const children = stack.pop()!;
      push({ kind: 'group', text: open, open, children });
      i++;
      continue;
    }
    const word = /^(?:r#)?[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
    if (word) {
      // A raw or byte string, or a plain identifier.
      const str = /^(?:b|r#*|br#*)"/.exec(text.slice(i, i + 64));
      if (str) {
        const end = stringEnd(text, i);
        if (end === undefined) return undefined;
        push({ kind: 'literal', text: text.slice(i, end) });
        i = end;
        continue;
      }
      if (text[i + word[0].length] === "'" && word[0] === 'b') {
        const end = charEnd(text, i + 1);
        if (end === undefined) return undefined;
        push({ kind: 'literal', text: text.slice(i, end) });
        i = end;
        continue;
      }
      push({ kind: 'ident', text: word[0] });
      i += word[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const num = /^[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9A-Za-z_]*)?/.exec(text.slice(i, i + 128))!;
      push({ kind: 'literal', text: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end === undefined) return undefined;
      push({ kind: 'literal', text: text.slice(i, end) });
      i = end;
      continue;
    }
    if (c === "'") {
      const life = /^'[A-Za-z_][A-Za-z0-9_]*(?!')/.exec(text.slice(i, i + 128));
      if (life) {
        push({ kind: 'lifetime', text: life[0] });
        i += life[0].length;
        continue;
      }
      const end = charEnd(text, i);
      if (end === undefined) return undefined;
      push({ kind: 'literal', text: text.slice(i, end) });
      i = end;
      continue;
    }
    const next = text[i + 1];
    push({ kind: 'punct', text: c, joint: next !== undefined && /[!#$%&*+\-./:;<=>?@^|~]/.test(next) });
    i++;
  }
  return opens.length === 0 ? stack[0] : undefined;
}

/** The end of a string literal starting at `at` (plain, byte, raw). */
function stringEnd(text: string, at: number): number | undefined {
  const raw = /^b?r(#*)"/.exec(text.slice(at, at + 64));
  if (raw) {
    const close = `"${raw[1]}`;
    const end = text.indexOf(close, at + raw[0].length);
    return end < 0 ? undefined : end + close.length;
  }
  let i = text.indexOf('"', at) + 1;
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}

/** The end of a char literal starting at `at` (the quote). */
function charEnd(text: string, at: number): number | undefined {
  const m = /^'(?:\\(?:x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|.)|[^\\'])'/.exec(text.slice(at, at + 16));
  return m ? at + m[0].length : undefined;
}

/** A pattern element of a rule's left side. */
type Matcher =
  | { kind: 'token'; token: Token }
  | { kind: 'group'; open: string; inner: Matcher[] }
  | { kind: 'var'; name: string; fragment: string }
  | { kind: 'rep'; inner: Matcher[]; separator?: Token; op: '*' | '+' | '?' };

/** What a rule's variables are bound to: tokens, or one binding per repetition. */
type Binding = { tokens: Token[] } | { each: Binding[] };

interface Rule {
  left: Matcher[];
  right: Token[];
}

/** The rules of `macro_rules! name { (..) => { .. }; .. }`, undefined if any does not read. */
export function macroRules(definition: string): Rule[] | undefined {
  const tokens = tokenize(definition);
  const body = tokens?.find((t) => t.kind === 'group');
  if (!body?.children) return undefined;
  const rules: Rule[] = [];
  const t = body.children;
  for (let i = 0; i < t.length;) {
    const left = t[i];
    if (left?.kind !== 'group' || t[i + 1]?.text !== '=' || t[i + 2]?.text !== '>' || t[i + 3]?.kind !== 'group')
      return undefined;
    const matchers = readMatchers(left.children!);
    if (!matchers) return undefined;
    rules.push({ left: matchers, right: t[i + 3].children! });
    i += 4;
    if (t[i]?.text === ';') i++;
  }
  return rules;
}

const FRAGMENTS = new Set([
  'ident',
  'lifetime',
  'literal',
  'tt',
  'block',
  'vis',
  'meta',
  'ty',
  'path',
  'expr',
  'pat',
  'pat_param',
  'stmt',
  'item',
]);

function readMatchers(tokens: Token[]): Matcher[] | undefined {
  const out: Matcher[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === '$') {
      const next = tokens[i + 1];
      if (next?.kind === 'ident' && tokens[i + 2]?.text === ':' && tokens[i + 3]?.kind === 'ident') {
        if (!FRAGMENTS.has(tokens[i + 3].text)) return undefined;
        out.push({ kind: 'var', name: next.text, fragment: tokens[i + 3].text });
        i += 3;
        continue;
      }
      if (next?.kind === 'group' && next.open === '(') {
        const inner = readMatchers(next.children!);
        if (!inner) return undefined;
        let j = i + 2;
        let separator: Token | undefined;
        if (!['*', '+', '?'].includes(tokens[j]?.text ?? '') || tokens[j]?.kind !== 'punct') separator = tokens[j++];
        const op = tokens[j]?.text;
        if (op !== '*' && op !== '+' && op !== '?') return undefined;
        out.push({ kind: 'rep', inner, separator, op });
        i = j;
        continue;
      }
      return undefined;
    }
    if (t.kind === 'group') {
      const inner = readMatchers(t.children!);
      if (!inner) return undefined;
      out.push({ kind: 'group', open: t.open!, inner });
      continue;
    }
    out.push({ kind: 'token', token: t });
  }
  return out;
}

/** How many matching steps one expansion may take before it is given up. */
const MAX_STEPS = 20_000;

class Matching {
  steps = 0;

  /** Matches all of `tokens` against `pattern`: the bindings, or undefined. */
  whole(pattern: Matcher[], tokens: Token[]): Map<string, Binding> | undefined {
    const env = new Map<string, Binding>();
    const end = this.seq(pattern, tokens, 0, env);
    return end === tokens.length ? env : undefined;
  }

  /**
   * Matches `pattern` from `tokens[ti]`: where it ends, or undefined. `follow`: the token that
   * comes after the pattern (a repetition's separator), which ends a fragment at its end.
   */
  private seq(
    pattern: Matcher[],
    tokens: Token[],
    ti: number,
    env: Map<string, Binding>,
    follow?: readonly string[],
  ): number | undefined {
    for (let pi = 0; pi < pattern.length; pi++) {
      if (++this.steps > MAX_STEPS) return undefined;
      const m = pattern[pi];
      const after = pattern[pi + 1];
      if (m.kind === 'token') {
        const t = tokens[ti];
        if (!t || t.kind === 'group' || t.text !== m.token.text) return undefined;
        ti++;
      } else if (m.kind === 'group') {
        const t = tokens[ti];
        if (t?.kind !== 'group' || t.open !== m.open) return undefined;
        if (this.seq(m.inner, t.children!, 0, env) !== t.children!.length) return undefined;
        ti++;
      } else if (m.kind === 'var') {
        const stop = after === undefined ? follow : after.kind === 'token' ? [after.token.text] : null;
        const end = this.fragment(m.fragment, tokens, ti, stop);
        if (end === undefined) return undefined;
        env.set(m.name, { tokens: tokens.slice(ti, end) });
        ti = end;
      } else {
        const each: Map<string, Binding>[] = [];
        // An element ends at the separator, or at what follows the repetition (its last one:
        // `@implements $($i:path),+;` ends `Buildable` at the `;`).
        const innerFollow = [
          ...(m.separator ? [m.separator.text] : []),
          ...(after?.kind === 'token' ? [after.token.text] : []),
        ];
        for (;;) {
          if (m.op === '?' && each.length === 1) break;
          let start = ti;
          if (each.length > 0 && m.separator) {
            if (tokens[ti]?.text !== m.separator.text || tokens[ti].kind === 'group') break;
            start = ti + 1;
          }
          if (start >= tokens.length) break;
          const one = new Map<string, Binding>();
          const end = this.seq(m.inner, tokens, start, one, innerFollow.length ? innerFollow : undefined);
          if (this.steps > MAX_STEPS) return undefined;
          if (end === undefined || end === start) break;
          each.push(one);
          ti = end;
        }
        if (m.op === '+' && each.length === 0) return undefined;
        for (const name of varNames(m.inner)) {
          const per = each.map((e) => e.get(name));
          if (per.some((b) => b === undefined)) return undefined;
          env.set(name, { each: per as Binding[] });
        }
      }
    }
    return ti;
  }

  /**
   * Where a fragment starting at `tokens[at]` ends. `stop`: the token the pattern wants next
   * (undefined: the fragment runs to the end; null: something that is not a plain token, which
   * leaves a fragment of several tokens undelimited).
   */
  private fragment(
    kind: string,
    tokens: Token[],
    at: number,
    stop: readonly string[] | null | undefined,
  ): number | undefined {
    const t = tokens[at];
    switch (kind) {
      case 'ident':
        return t?.kind === 'ident' && t.text !== '_' ? at + 1 : undefined;
      case 'lifetime':
        return t?.kind === 'lifetime' ? at + 1 : undefined;
      case 'tt':
        return t ? at + 1 : undefined;
      case 'block':
        return t?.kind === 'group' && t.open === '{' ? at + 1 : undefined;
      case 'literal': {
        if (t?.kind === 'punct' && t.text === '-' && tokens[at + 1]?.kind === 'literal') return at + 2;
        if (t?.kind === 'literal' || (t?.kind === 'ident' && (t.text === 'true' || t.text === 'false'))) return at + 1;
        return undefined;
      }
      case 'vis': {
        if (t?.kind !== 'ident' || t.text !== 'pub') return at;
        const g = tokens[at + 1];
        return g?.kind === 'group' && g.open === '(' ? at + 2 : at + 1;
      }
      default: {
        // `ty`, `expr`, `path`, `meta`, ...: up to the token the pattern wants next (outside
        // angle brackets for types and paths), or to the end.
        if (!t || stop === null) return undefined;
        const angles = kind === 'ty' || kind === 'path';
        // No type or path starts so (`@implements` after a repetition of paths ends it).
        if (angles && t.kind === 'punct' && NOT_TYPE_START.has(t.text)) return undefined;
        // An expression ends at a `,` or `;` outside its groups, past a closure's `|params|`.
        const endsAtComma = angles || kind === 'expr';
        const open = kind === 'expr' ? closureParamsEnd(tokens, at) : at;
        let depth = 0;
        let i = at;
        for (; i < tokens.length; i++) {
          const u = tokens[i];
          if (u.kind === 'punct' && angles) {
            if (u.text === '<') depth++;
            else if (u.text === '>' && tokens[i - 1]?.text !== '-' && depth > 0) depth--;
          }
          if (depth === 0 && stop !== undefined && u.kind !== 'group' && stop.includes(u.text)) break;
          // A type or path ends at a `,` or `;` outside angle brackets, whatever the rule wants next
          // (`Object<$ffi:ty>` does not match `Object<A, B>`: the next rule, `<$ffi:ty, $class:ty>`, does).
          if (endsAtComma && i >= open && depth === 0 && u.kind === 'punct' && (u.text === ',' || u.text === ';'))
            break;
        }
        // At the end of the tokens without `stop`: what follows in the rule must then match nothing.
        return i > at ? i : undefined;
      }
    }
  }
}

/** Where the `|params|` of a closure starting at `at` (`|a, b|`, `move |a|`) end; `at` when it is none. */
function closureParamsEnd(tokens: Token[], at: number): number {
  const start = tokens[at]?.text === 'move' ? at + 1 : at;
  if (tokens[start]?.text !== '|') return at;
  for (let i = start + 1; i < tokens.length; i++)
    if (tokens[i].kind === 'punct' && tokens[i].text === '|') return i + 1;
  return tokens.length;
}

/** Punctuation no `ty` or `path` fragment starts with. */
const NOT_TYPE_START = new Set(['@', ',', ';', '=', '=>', '#', '.', '+', '|', '}', ')', ']', '>']);

function varNames(pattern: Matcher[], out: string[] = []): string[] {
  for (const m of pattern) {
    if (m.kind === 'var') out.push(m.name);
    else if (m.kind === 'group' || m.kind === 'rep') varNames(m.inner, out);
  }
  return out;
}

/** Writes `right` with `env`'s fragments put in; undefined where a variable is missing or repeats unequally. */
function transcribe(right: Token[], env: Map<string, Binding>, out: Token[]): boolean {
  for (let i = 0; i < right.length; i++) {
    const t = right[i];
    if (t.kind === 'punct' && t.text === '$') {
      const next = right[i + 1];
      if (next?.kind === 'ident') {
        i++;
        if (next.text === 'crate') {
          out.push({ kind: 'ident', text: 'crate' });
          continue;
        }
        const b = env.get(next.text);
        if (!b || !('tokens' in b)) return false;
        out.push(...b.tokens);
        continue;
      }
      if (next?.kind === 'group' && next.open === '(') {
        let j = i + 2;
        let separator: Token | undefined;
        if (!['*', '+', '?'].includes(right[j]?.text ?? '')) separator = right[j++];
        if (!['*', '+', '?'].includes(right[j]?.text ?? '')) return false;
        // The variables used inside that repeat here: all the same number of times.
        const used = [...new Set(usedVars(next.children!))].filter((n) => {
          const b = env.get(n);
          return b !== undefined && 'each' in b;
        });
        if (used.length === 0) return false;
        const counts = new Set(used.map((n) => (env.get(n) as { each: Binding[] }).each.length));
        if (counts.size !== 1) return false;
        const count = [...counts][0];
        for (let k = 0; k < count; k++) {
          if (k > 0 && separator) out.push(separator);
          const inner = new Map(env);
          for (const n of used) inner.set(n, (env.get(n) as { each: Binding[] }).each[k]);
          if (!transcribe(next.children!, inner, out)) return false;
        }
        i = j;
        continue;
      }
      return false;
    }
    if (t.kind === 'group') {
      const children: Token[] = [];
      if (!transcribe(t.children!, env, children)) return false;
      out.push({ ...t, children });
      continue;
    }
    out.push(t);
  }
  return true;
}

function usedVars(tokens: Token[], out: string[] = []): string[] {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === '$' && tokens[i + 1]?.kind === 'ident') out.push(tokens[i + 1].text);
    if (t.kind === 'group') usedVars(t.children!, out);
  }
  return out;
}

/**
 * The tokens with the bodies of fns that are not `async` emptied (at any depth: impls' methods
 * too): nothing of Send or Sync is in them, and syn's token macros write dozens of methods.
 */
function withoutFnBodies(tokens: Token[]): Token[] {
  let isAsync = false;
  let inFn = false;
  return tokens.map((t) => {
    if (t.kind === 'ident' && t.text === 'async') isAsync = true;
    else if (t.kind === 'ident' && t.text === 'fn') inFn = true;
    else if (t.kind === 'punct' && t.text === ';') isAsync = inFn = false;
    else if (t.kind === 'group' && t.open === '{') {
      const body = inFn && !isAsync;
      const wasFn = inFn;
      isAsync = inFn = false;
      if (body) return { ...t, children: [] };
      if (!wasFn) return { ...t, children: withoutFnBodies(t.children!) };
    }
    return t;
  });
}

/** Tokens as text on one line: a space between tokens, none after a joint punct. */
export function tokensText(tokens: Token[]): string {
  const parts: string[] = [];
  const write = (ts: Token[]) => {
    ts.forEach((t, i) => {
      if (t.kind === 'group') {
        parts.push(t.open!);
        write(t.children!);
        parts.push(CLOSE[t.open!], ' ');
        return;
      }
      parts.push(t.text);
      const next = ts[i + 1];
      if (!(t.joint && next?.kind === 'punct')) parts.push(' ');
    });
  };
  write(tokens);
  // Paths as they are written (`::syn::__private::Span`, not `:: syn :: __private :: Span`): the
  // expansion's types are shown in reasons.
  return parts
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/(\w) :: (?=\w)/g, '$1::')
    .replace(/(^|[\s(<,&]):: (?=\w)/g, '$1::')
    .trim();
}

/**
 * The text a call of the macro `definition` (its whole `macro_rules!` item) with `body` (the call's
 * tokens inside its delimiters) expands to, on one line; undefined when no rule matches or the
 * expansion cannot be written.
 */
export function expandCall(rules: readonly Rule[], body: string): string | undefined {
  const tokens = tokenize(body);
  if (!tokens) return undefined;
  const matching = new Matching();
  for (const rule of rules) {
    const env = matching.whole(rule.left, tokens);
    if (matching.steps > MAX_STEPS) return undefined;
    if (!env) continue;
    const out: Token[] = [];
    return transcribe(rule.right, env, out) ? tokensText(withoutFnBodies(out)) : undefined;
  }
  return undefined;
}
