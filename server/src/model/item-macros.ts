// Item macros: calls like `cfg_rt! { pub struct X; unsafe impl Send for X {} }` whose bodies are
// items the macro passes through (its `macro_rules!` takes `$item:item` fragments), often under a
// `#[cfg]` the macro adds. Their bodies are parsed as items at their own positions, so the types
// and impls inside are seen like any other. Two more kinds of body are read as types: libc's
// `s! { pub struct timespec { .. } }` (a macro that writes the struct, enum or union back with its
// fields as they were given), and `bitflags! { pub struct Flags: c_int { const A = 1; } }` (a
// struct holding one `c_int`, as the bitflags crate generates; also through a macro of the crate
// that calls `bitflags!`). pin-project-lite's `pin_project!` writes its struct back as it is.
import {
  detachedText,
  nodesOfType,
  type PatchedText,
  type SyntaxNode,
  type SyntaxTree,
  type TextPatch,
  type TextSpan,
} from '../syntax/parser';
import { cfgPredicate, evaluateCfg, type CfgContext } from './cfg';
import { expandCall, macroRules } from './macro-expand';
import { runSteps, type Steps } from './steps';
import {
  addMethods,
  implsWithin,
  keepInactiveModules,
  lowerFile,
  withAttributes,
  type AttributedNode,
  type FileItems,
  type InherentImpl,
  type Scope,
  type TraitDef,
} from './lower';

/** Parses only `spans` of `text` (sorted, apart), at their own positions; the caller keeps the tree. */
export type ParseSpans = (text: PatchedText, spans: readonly TextSpan[]) => SyntaxTree;

export interface MacroInfo {
  /** The macro takes `$x:item` fragments, or writes back the types it is given: its body is items. */
  passesItems: boolean;
  /** Its body declares `struct Name: Int { const .. }` flags types, as `bitflags!`. */
  bitflags?: boolean;
  /** The `#[cfg]` its expansion puts on them (all of them, when several), if any. */
  cfg?: string;
  /**
   * `#[cfg($meta)]` from a `#![$meta:meta]` the call starts with (nix's
   * `feature! { #![feature = "fs"] .. }`): the metavariable's name, `cfg` holding `$meta`.
   */
  cfgFromCall?: string;
  /**
   * A call declares one data-less type the body spells otherwise: `enum StandardHeader { $($k,)+ }`
   * (http's `standard_headers!`: this fixed name), or `struct $name;` named by the call's first
   * identifier (nix's `sockopt_impl!`: `fixed` undefined), or an enum of unit variants and
   * variants holding primitives, named by the identifier after the word `after` and a colon
   * (rustls's `enum_builder! { @U16 EnumName: ProtocolVersion; EnumVal { .. } }` declares `enum
   * ProtocolVersion { SSLv2, .., Unknown(u16) }`): `Send` and `Sync`, as a data-less type is.
   * `sendSync`: the call writes `pub struct Name;` items (any number), and the macro makes each
   * `Send` and `Sync` by `unsafe impl`s for all of it, whatever it holds (openssl's
   * `foreign_type_and_impl_send_sync!`): each is declared data-less, as `Send` and `Sync`.
   */
  declaresUnit?: { keyword: 'enum' | 'struct'; fixed?: string; after?: string; sendSync?: boolean };
  /**
   * The macro its items are handed to (`#[cfg(unix)] cfg_signal_internal! { $($item)* }`), whose
   * own `#[cfg]` they get too (see withForwardedCfgs).
   */
  forwardsTo?: string;
  /**
   * A macro no other field describes whose rules write types or call macros (`define_endian!`,
   * `apply_params!`): its whole `macro_rules!` text, for macro-expand.ts to expand each call.
   */
  definition?: string;
  /**
   * A macro whose rules only call other macros by name (glib's `wrapper!` calls
   * `$crate::glib_object_wrapper!`, which writes the struct): those names and its text, made its
   * `definition` by withForwardedCfgs once one of them writes types.
   */
  callsOnly?: { names: string[]; definition: string };
  /**
   * A macro no other field describes whose rules write fns (tokio's `write_impl!` writes
   * `fn $name<'a>(&'a mut self, n: $ty) -> ..`): its text, to expand its calls in a trait's body,
   * where they declare the trait's methods (elsewhere such fns are not read).
   */
  methodsDefinition?: string;
}

/**
 * A macro each rule of which takes `struct $name:ident;` (or `struct $name:ident<T>;`) items
 * and writes an `unsafe impl Send` and an `unsafe impl Sync` for each, without bounds: see
 * MacroInfo.declaresUnit.
 */
function sendSyncUnits(def: SyntaxNode): MacroInfo['declaresUnit'] {
  const rules = def.namedChildren.filter((c): c is SyntaxNode => c?.type === 'macro_rule');
  if (rules.length === 0) return undefined;
  for (const rule of rules) {
    const left = rule.childForFieldName('left')?.text ?? '';
    const right = rule.childForFieldName('right')?.text ?? '';
    const names = [...left.matchAll(/\bstruct\s+\$(\w+)\s*:\s*ident\s*(?:<[^>:]*>)?\s*;/g)].map((m) => m[1]);
    if (names.length === 0) return undefined;
    const impl = (trait: string, name: string) =>
      new RegExp(`\\bunsafe\\s+impl\\s*(?:<[^>:]*>)?\\s+${trait}\\s+for\\s+\\$${name}\\s*(?:<[^>:]*>)?\\s*\\{\\s*\\}`);
    if (!names.every((n) => impl('Send', n).test(right) && impl('Sync', n).test(right))) return undefined;
  }
  return { keyword: 'struct', sendSync: true };
}

/** The data-less type a macro's every expansion declares, if that is all it declares. */
function unitDeclaration(def: SyntaxNode): MacroInfo['declaresUnit'] {
  const units = sendSyncUnits(def);
  if (units) return units;
  const named = namedPlainEnum(def);
  if (named) return named;
  const text = def.text;
  const decls = [...text.matchAll(/\b(?:struct|enum|union)\s+(\$?\w+)/g)];
  if (decls.length === 0) return undefined;
  const unitEnum = /\benum\s+([A-Za-z_]\w*)\s*\{\s*\$\(\s*\$(\w+)\s*,?\s*\)\s*,?\s*[+*]\s*\}/.exec(text);
  if (unitEnum && decls.length === 1 && new RegExp(`\\$${unitEnum[2]}\\s*:\\s*ident\\b`).test(text))
    return { keyword: 'enum', fixed: unitEnum[1] };
  // Every rule takes `$(#[$attr:meta])* $name:ident` first; every declaration is `struct $name;`.
  const rules = def.namedChildren.filter((c): c is SyntaxNode => c?.type === 'macro_rule');
  const first = /^[([{]\s*(?:\$\(\s*#\s*\[\s*\$\w+\s*:\s*meta\s*\]\s*\)\s*\*\s*)?\$(\w+)\s*:\s*ident\b/;
  const names = rules.map((r) => first.exec(r.childForFieldName('left')?.text ?? '')?.[1]);
  if (names.length === 0 || names.some((n) => n === undefined)) return undefined;
  const ok = decls.every((d) => {
    const rest = text.slice(d.index + d[0].length);
    return d[0].startsWith('struct') && names.includes(d[1].slice(1)) && /^\s*;/.test(rest);
  });
  return ok ? { keyword: 'struct' } : undefined;
}

const PRIMITIVE_PAYLOAD = /^[A-Za-z_]\w*(?:\s*\(\s*(?:[ui](?:8|16|32|64|128|size)|bool|char)\s*\))?$/;

/**
 * A macro each rule of which declares one `enum $name { .. }` and nothing else that is a type, its
 * variants the call's identifiers (`$( $var ),*`, unit variants) or written in the rule with
 * primitive payloads (`Unknown(u8)`), `$name:ident` following the same word and colon in every
 * rule's pattern (`EnumName: $enum_name: ident`). See MacroInfo.declaresUnit.
 */
function namedPlainEnum(def: SyntaxNode): MacroInfo['declaresUnit'] {
  const rules = def.namedChildren.filter((c): c is SyntaxNode => c?.type === 'macro_rule');
  let after: string | undefined;
  for (const rule of rules) {
    const left = rule.childForFieldName('left')?.text ?? '';
    const right = rule.childForFieldName('right')?.text ?? '';
    const decls = [...right.matchAll(/\b(?:struct|enum|union)\s+(\$?\w+)/g)];
    const decl = decls[0];
    if (decls.length !== 1 || !decl[0].startsWith('enum') || !decl[1].startsWith('$')) return undefined;
    const open = right.indexOf('{', decl.index + decl[0].length);
    const close = open < 0 ? -1 : right.indexOf('}', open);
    const between = right.slice(decl.index + decl[0].length, open);
    if (close < 0 || between.trim() !== '' || right.slice(open + 1, close).includes('{')) return undefined;
    const variants = right
      .slice(open + 1, close)
      .replace(/\$\(\s*\$\w+\s*,?\s*\)\s*,?\s*[*+]/g, '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (!variants.every((v) => PRIMITIVE_PAYLOAD.test(v))) return undefined;
    const word = new RegExp(`([A-Za-z_]\\w*)\\s*:\\s*\\$${decl[1].slice(1)}\\s*:\\s*ident\\b`).exec(left)?.[1];
    if (!word || (after !== undefined && after !== word)) return undefined;
    after = word;
  }
  return after === undefined ? undefined : { keyword: 'enum', after };
}

/**
 * The body of a call of a `declaresUnit` macro as that one declaration, at the same offsets and
 * with its newlines kept: `#[cfg(..)] struct` in a run of the blanked text before the name, the
 * name where it is, then `;` (a fixed-name enum anywhere there is room). Undefined when there is
 * no room.
 */
function unitAsItem(body: string, unit: NonNullable<MacroInfo['declaresUnit']>): string | undefined {
  const out = body.replace(/[^\n]/g, ' ').split('');
  /** Writes `text` in the last run without a newline, before `end`, that holds it. */
  const place = (text: string, end: number): boolean => {
    for (let stop = end; stop > 0;) {
      const start = body.lastIndexOf('\n', stop - 1) + 1;
      if (stop - start >= text.length + 1) {
        out.splice(start, text.length, ...text.split(''));
        return true;
      }
      stop = start - 1;
    }
    return false;
  };
  if (unit.fixed) return place(`${unit.keyword} ${unit.fixed} {}`, body.length) ? out.join('') : undefined;
  if (unit.sendSync) {
    // The call's `pub struct Name;` items as they are written, the rest blanked.
    for (const m of body.matchAll(/\b(?:pub(?:\s*\([^)]*\))?\s+)?struct\s+[A-Za-z_]\w*\s*(?:<[^>]*>)?\s*;/g))
      out.splice(m.index, m[0].length, ...m[0].split(''));
    return out.join('');
  }
  if (unit.after) {
    // `EnumName: ProtocolVersion;` -> `enum ProtocolVersion {}` over the same columns: the word
    // and colon give room for the keyword, the name stays, the braces go where the `;` was or
    // in the next run with room.
    const m = new RegExp(`\\b${unit.after}\\s*:\\s*([A-Za-z_]\\w*)`).exec(body);
    if (!m || m[0].length - m[1].length < unit.keyword.length + 1) return undefined;
    const at = m.index + m[0].length;
    out.splice(m.index, unit.keyword.length, ...unit.keyword.split(''));
    out.splice(at - m[1].length, m[1].length, ...m[1].split(''));
    for (let start = at; start < body.length;) {
      const newline = body.indexOf('\n', start);
      const end = newline === -1 ? body.length : newline;
      if (end - start >= 3) {
        out.splice(start + 1, 2, '{', '}');
        return out.join('');
      }
      start = end + 1;
    }
    return undefined;
  }
  // Past doc comments, comments and attributes to the first identifier.
  const lead = /^(?:\s+|\/\/[^\n]*\n|#\s*\[(?:[^[\]]|\[[^\]]*\])*\])*/.exec(body)![0];
  const attrs = [...lead.matchAll(/#\s*\[(?:[^[\]]|\[[^\]]*\])*\]/g)]
    .map((a) => a[0].replace(/\s+/g, ' '))
    .filter((a) => /^#\s*\[\s*cfg\b/.test(a));
  const name = /^[A-Za-z_]\w*/.exec(body.slice(lead.length))?.[0];
  if (!name || lead.length + name.length >= body.length) return undefined;
  out.splice(lead.length, name.length + 1, ...`${name};`.split(''));
  return place(`${[...attrs, 'struct'].join(' ')}`, lead.length) ? out.join('') : undefined;
}

/**
 * A rule that writes a type back with the fields it was given: `pub struct $i { $($field)* }` in
 * the expansion, `$i:ident` and `$($field:tt)*` in the pattern (libc's `s!`, `e!`, `s_paren!`).
 */
function writesTypesBack(def: string): boolean {
  const back = /\b(?:struct|enum|union)\s+\$(\w+)\s*([{(])\s*\$\(\s*\$(\w+)\s*\)\s*\*\s*([})])/g;
  for (const m of def.matchAll(back)) {
    if ((m[2] === '{') !== (m[4] === '}')) continue;
    const [, name, , fields] = m;
    if (new RegExp(`\\$${name}\\s*:\\s*ident\\b`).test(def) && new RegExp(`\\$${fields}\\s*:\\s*tt\\b`).test(def))
      return true;
  }
  return false;
}

/** A rule taking `struct $Name:ident: $T:ty` and handing it to `bitflags!` (nix's `libc_bitflags!`). */
const forwardsToBitflags = (def: string) =>
  /\bbitflags\s*!/.test(def) && /\bstruct\s+\$\w+\s*:\s*ident\s*:\s*\$\w+\s*:\s*ty\b/.test(def);

/**
 * Whether a rule's right side declares a struct, enum or union, or calls the macro the call names
 * (`$macro! { .. }`, quinn-proto's `apply_params!(make_struct)`).
 */
function writesTypesOrCalls(def: SyntaxNode): boolean {
  return def.namedChildren.some((rule) => {
    if (rule?.type !== 'macro_rule') return false;
    const right = rule.childForFieldName('right')?.text ?? '';
    return /\b(?:struct|enum|union)\s+\$?\w+/.test(right) || /\$\w+\s*!\s*\{/.test(right);
  });
}

/** The `macro_rules!` named `name` written in the tree that holds `call`, alone in a map. */
function besideCall(call: SyntaxNode, name: string): Map<string, MacroInfo> {
  const info = fileMacroInfos(call.tree.rootNode).get(name);
  return info ? new Map([[name, info]]) : new Map<string, MacroInfo>();
}

/** Whether a rule of a `macro_rules!` writes a fn (`fn $name(..)`, `fn read_u8(..)`). */
function writesFns(def: SyntaxNode): boolean {
  return def.namedChildren.some(
    (rule) => rule?.type === 'macro_rule' && /\bfn\s+\$?\w+/.test(rule.childForFieldName('right')?.text ?? ''),
  );
}

/** The other macros a `macro_rules!`'s rules call by name (`$crate::glib_object_wrapper!(..)`: `glib_object_wrapper`). */
function calledMacros(def: SyntaxNode, name: string): string[] {
  const out = new Set<string>();
  for (const rule of def.namedChildren) {
    if (rule?.type !== 'macro_rule') continue;
    const right = rule.childForFieldName('right')?.text ?? '';
    for (const m of right.matchAll(/(?<![\w$])(?:\$crate\s*::\s*)?([A-Za-z_]\w*)\s*!\s*[{([]/g))
      if (m[1] !== name) out.add(m[1]);
  }
  return [...out];
}

/** What each `macro_rules!` under `roots` does with items (each on its own: see withForwardedCfgs). */
export function macroInfos(roots: SyntaxNode[]): Map<string, MacroInfo> {
  const out = new Map<string, MacroInfo>();
  for (const root of roots) for (const [name, info] of fileMacroInfos(root)) out.set(name, info);
  return out;
}

/**
 * `infos` with each macro's `#[cfg]` joined by those of the macros it hands its items to, as far
 * as they are known: tokio's `cfg_signal_internal_and_unix!` puts `#[cfg(unix)]` on a call of
 * `cfg_signal_internal!`, which puts `#[cfg(any(feature = "signal", ..))]` on each item, so the
 * items need both. (Without this, `mod signal;` counted in a build without the feature.)
 */
export function withForwardedCfgs(infos: Map<string, MacroInfo>): Map<string, MacroInfo> {
  const out = withForwardedExpansions(infos);
  const chain = (name: string, seen: Set<string>): string[] => {
    const info = infos.get(name);
    if (!info || seen.has(name)) return [];
    seen.add(name);
    return [...(info.cfg ? [info.cfg] : []), ...(info.forwardsTo ? chain(info.forwardsTo, seen) : [])];
  };
  for (const [name, info] of infos) {
    if (!info.forwardsTo || !info.passesItems) continue;
    const preds = [...new Set(chain(name, new Set()))];
    if (preds.length === 0) continue;
    const cfg = preds.length === 1 ? preds[0] : `all(${preds.join(', ')})`;
    if (cfg !== info.cfg) out.set(name, { ...info, cfg });
  }
  return out;
}

/**
 * `infos` with each macro that only calls others (see MacroInfo.callsOnly) made expandable when
 * one of those writes types or is made so itself (glib's `wrapper!` -> `glib_object_wrapper!`):
 * its calls then expand, round by round, into the other's.
 */
export function withForwardedExpansions(infos: Map<string, MacroInfo>): Map<string, MacroInfo> {
  const out = new Map(infos);
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, info] of out) {
      if (info.definition !== undefined || !info.callsOnly) continue;
      if (!info.callsOnly.names.some((n) => out.get(n)?.definition !== undefined)) continue;
      out.set(name, { ...info, definition: info.callsOnly.definition });
      changed = true;
    }
  }
  return out;
}

/** Each file tree's `macro_rules!`, read once: a crate's files are asked again after every edit of one. */
const infosByTree = new WeakMap<SyntaxTree, Map<string, MacroInfo>>();

function fileMacroInfos(root: SyntaxNode): Map<string, MacroInfo> {
  const whole = root.parent === null;
  const known = whole ? infosByTree.get(root.tree) : undefined;
  if (known) return known;
  const out = new Map<string, MacroInfo>();
  if (whole) infosByTree.set(root.tree, out);
  if (!root.text.includes('macro_rules')) return out;
  for (const def of nodesOfType(root, 'macro_definition')) {
    const name = def?.childForFieldName('name')?.text;
    if (!def || !name) continue;
    const text = def.text;
    let info = infoByText.get(text);
    if (info === undefined) {
      if (infoByText.size >= INFOS_KEPT) infoByText.delete(infoByText.keys().next().value!);
      infoByText.set(detachedText(text), (info = macroInfo(def, name)));
    }
    out.set(name, info);
  }
  return out;
}

/**
 * The macros met lately, by their text: a file's `macro_rules!` rarely change between edits, and
 * each is read from its tree (its rules, the items it writes).
 */
const infoByText = new Map<string, MacroInfo>();
const INFOS_KEPT = 4096;

/** What a `macro_rules!` named `name` does with its input (see MacroInfo). */
function macroInfo(def: SyntaxNode, name: string): MacroInfo {
  const preds = new Set<string>();
  for (const m of def.text.matchAll(/#\s*\[\s*cfg\s*\(/g)) {
    const pred = cfgPredicate(balanced(def.text, m.index));
    if (pred !== undefined) preds.add(pred.replace(/\s+/g, ' '));
  }
  const rules = def.namedChildren.filter((c) => c?.type === 'macro_rule').length;
  const cfg =
    preds.size > 0 && rules === 1 ? (preds.size === 1 ? [...preds][0] : `all(${[...preds].join(', ')})`) : undefined;
  const meta = cfg && /^\$(\w+)$/.exec(cfg)?.[1];
  const cfgFromCall =
    meta && new RegExp(`#\\s*!\\s*\\[\\s*\\$${meta}\\s*:\\s*meta\\s*\\]`).test(def.text) ? meta : undefined;
  const bitflags = forwardsToBitflags(def.text);
  const declaresUnit = unitDeclaration(def);
  const item = rules === 1 ? /\$(\w+)\s*:\s*item\b/.exec(def.text)?.[1] : undefined;
  const forwardsTo = item
    ? new RegExp(`\\b([A-Za-z_]\\w*)\\s*!\\s*[{([]\\s*\\$\\(\\s*\\$${item}\\s*\\)\\s*\\*`).exec(def.text)?.[1]
    : undefined;
  const passesItems = !bitflags && (/:\s*item\b/.test(def.text) || writesTypesBack(def.text));
  const expandable = !passesItems && !bitflags && !declaresUnit && writesTypesOrCalls(def);
  const called = !passesItems && !bitflags && !declaresUnit && !expandable ? calledMacros(def, name) : [];
  const writesMethods = !passesItems && !bitflags && !declaresUnit && !expandable && writesFns(def);
  return {
    ...(writesMethods ? { methodsDefinition: detachedText(def.text) } : {}),
    ...(forwardsTo !== undefined && forwardsTo !== name ? { forwardsTo } : {}),
    ...(expandable ? { definition: detachedText(def.text) } : {}),
    ...(called.length > 0 ? { callsOnly: { names: called, definition: detachedText(def.text) } } : {}),
    declaresUnit,
    passesItems,
    bitflags,
    // A metavariable no call fills in says nothing: the items may exist.
    // A data-less type's macro: its `#[cfg]`s are on its other items (tests, consts).
    // An expanded macro's `#[cfg]`s are read where its expansion writes them.
    cfg: (cfg?.includes('$') && !cfgFromCall) || declaresUnit || expandable ? undefined : cfg,
    cfgFromCall,
  };
}

/** `#[...]` starting at `start`, up to its closing bracket. */
function balanced(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

/** The `#![...]` a call's body starts with (`feature! { #![feature = "fs"] .. }`), as its text. */
function leadingInnerAttribute(call: SyntaxNode): SyntaxNode | undefined {
  const body = call.namedChildren.find((c) => c?.type === 'token_tree');
  const kids = body?.children ?? [];
  // `{`, `#`, `!`, `[...]`
  if (kids[1]?.text === '#' && kids[2]?.text === '!' && kids[3]?.type === 'token_tree' && kids[3].text.startsWith('['))
    return kids[3];
  return undefined;
}

/** The `#[cfg]` the call's expansion puts on its items, if any. */
function callCfg(call: SyntaxNode, info: MacroInfo | undefined): string | undefined {
  if (!info?.cfg || !info.cfgFromCall) return info?.cfg;
  const attr = leadingInnerAttribute(call);
  if (!attr) return undefined;
  const meta = attr.text.slice(1, -1).trim().replace(/\s+/g, ' ');
  return info.cfg.split(`$${info.cfgFromCall}`).join(meta);
}

/**
 * Whether a call's body holds items that exist: `active` (they do, or may), `inactive` (the
 * macro's `#[cfg]` is off: they exist in other builds only), `skip` (not an item macro).
 * A macro not defined where we can see it counts as an item macro only when named `cfg_*`
 * (or `bitflags`, the bitflags crate's).
 */
function itemMacroState(
  name: string,
  infos: Map<string, MacroInfo>,
  cfg: CfgContext,
  callCfgText: string | undefined,
  /** The call is in a trait's body, where a macro writing fns declares its methods. */
  inTrait = false,
): 'active' | 'inactive' | 'skip' {
  if (lastSegment(name) === 'cfg_if' || name === 'macro_rules') return 'skip';
  const info = infos.get(name);
  if (
    info
      ? !info.passesItems &&
        !info.bitflags &&
        !info.declaresUnit &&
        info.definition === undefined &&
        !(inTrait && info.methodsDefinition !== undefined)
      : !name.startsWith('cfg_') && !isBitflags(name, infos) && !isPinProject(name, infos)
  )
    return 'skip';
  return callCfgText !== undefined && evaluateCfg(callCfgText, cfg) === false ? 'inactive' : 'active';
}

const lastSegment = (name: string) => name.split('::').pop()!;

/**
 * A call of the crate's own macro by path (`crate::glib_object_wrapper!`, as `$crate::..` in a
 * macro of the crate expands; `self::m!`) names it as a bare call does.
 */
function ownMacroName(name: string, infos: Map<string, MacroInfo>): string {
  if (infos.has(name) || !/^(?:crate|self)\s*::\s*\w+$/.test(name)) return name;
  const last = lastSegment(name).trim();
  return infos.has(last) ? last : name;
}

/**
 * The dependencies' macros whose calls this file reads as what they generate (see isBitflags,
 * isPinProject, cfgIfBranch), never through the dependency's own `macro_rules!`.
 */
export const readAsGenerated = (name: string): boolean =>
  ['bitflags', 'pin_project', 'cfg_if'].includes(lastSegment(name).trim());

/**
 * `pin_project! { pub struct X<T> { #[pin] inner: T } }` of pin-project-lite (tokio, tracing,
 * tokio-util): it writes the type back with the same fields, plus projection types and an
 * `Unpin` impl that change no auto trait of it.
 */
function isPinProject(name: string, infos: Map<string, MacroInfo>): boolean {
  return lastSegment(name) === 'pin_project' && !infos.has('pin_project');
}

/**
 * An expansion with each `pin_project! { struct X { #[pin] f: F } }` it writes (tokio's `writer!`
 * writes one per future) shown as its body, the struct, the call's name and braces blanked: every
 * offset kept, and the struct read as a call of it in the file's text is (see isPinProject). A
 * call in an expansion is not otherwise read: its tokens are not the file's text.
 */
function pinProjectsUnwrapped(text: string): string {
  if (!text.includes('pin_project')) return text;
  let out = text;
  for (const m of text.matchAll(/(?<![\w$])(?:::\s*)?(?:\w+\s*::\s*)*pin_project\s*!\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = -1;
    for (let i = open; i < text.length && close < 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) close = i;
    }
    if (close < 0) continue;
    out = `${out.slice(0, m.index)}${' '.repeat(m[0].length)}${out.slice(open + 1, close)} ${out.slice(close + 1)}`;
  }
  return out;
}

/** `bitflags!` of the bitflags crate (`::bitflags::bitflags!` too), or a local macro that calls it. */
function isBitflags(name: string, infos: Map<string, MacroInfo>): boolean {
  const last = name.split('::').pop()!;
  return infos.get(last)?.bitflags === true || (last === 'bitflags' && !infos.has(last));
}

/** The inside of a call's `{ ... }` (or of the token tree itself), as text offsets. */
function bodySpan(call: SyntaxNode): { start: number; end: number } | undefined {
  const body = call.type === 'token_tree' ? call : call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body || body.endIndex - body.startIndex < 2) return undefined;
  // A leading `#![...]` belongs to the macro (it names the `#[cfg]`), not to the items.
  const inner = call.type === 'token_tree' ? undefined : leadingInnerAttribute(call);
  return { start: inner ? inner.endIndex : body.startIndex + 1, end: body.endIndex - 1 };
}

/**
 * A `bitflags!` body as the structs it generates, at the same offsets: `struct Flags: c_int { .. }`
 * becomes `struct Flags( c_int )` followed by blanks and `;` (each generated struct holds the
 * integer, directly or through a struct that does).
 */
function bitflagsAsStructs(body: string): string {
  const out = body.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  const re = /\bstruct\s+\w+\s*(:)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const colon = m.index + m[0].length - 1;
    let depth = 0;
    let open = -1;
    for (let i = colon + 1; i < body.length; i++) {
      const c = body[i];
      if (c === '<' || c === '(' || c === '[') depth++;
      else if (c === '>' || c === ')' || c === ']') depth--;
      else if (c === '{' && depth === 0) {
        open = i;
        break;
      }
    }
    if (open < 0) break;
    let close = -1;
    depth = 0;
    for (let i = open; i < body.length; i++) {
      if (body[i] === '{') depth++;
      else if (body[i] === '}' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) break;
    out[colon] = '(';
    out[open] = ')';
    blank(open + 1, close);
    out[close] = ';';
    re.lastIndex = close + 1;
  }
  return out.join('');
}

/**
 * What the items parse of the calls' bodies reads: the file's text (each body's `rewrite`, of the
 * same length, in place) and the bodies' spans, so positions line up with the file's. Each span
 * starts one character early, at a space put there in place of the body's `{`, so that the last
 * token of one body and the first of the next never run together.
 */
function spansAsItems(
  text: string,
  spans: { start: number; end: number; rewrite?: (body: string) => string }[],
): { text: PatchedText; spans: TextSpan[] } {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const patches: TextPatch[] = [];
  const read: TextSpan[] = [];
  let at = 0;
  for (const { start, end, rewrite } of sorted) {
    if (start < at || end <= start || start === 0) continue;
    const before = text[start - 1];
    if (before !== '\n' && before !== ' ') patches.push({ at: start - 1, text: ' ' });
    if (rewrite) {
      const body = rewrite(text.slice(start, end));
      if (body.length !== end - start)
        throw new Error(`a macro body's rewrite changed its length (${end - start} -> ${body.length})`);
      patches.push({ at: start, text: body });
    }
    read.push({ start: start - 1, end });
    at = end;
  }
  return { text: { base: text, patches }, spans: read };
}

/**
 * `cfg_if! { if #[cfg(a)] { items } else if #[cfg(b)] { items } else { items } }`: the `{ ... }`
 * of the branch this build compiles; undefined when none is, or an earlier `#[cfg]` is undecided.
 */
function cfgIfBranch(call: SyntaxNode, cfg: CfgContext): SyntaxNode | undefined {
  const body = call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body) return undefined;
  let pred: string | undefined;
  for (const c of body.children) {
    if (c?.type !== 'token_tree') continue;
    if (c.text.startsWith('[')) {
      pred = cfgPredicate(`#${c.text}`);
      if (pred === undefined) return undefined;
      continue;
    }
    if (!c.text.startsWith('{')) continue;
    if (pred === undefined) return c; // the final `else { ... }`
    const holds = evaluateCfg(pred, cfg);
    if (holds === undefined) return undefined;
    if (holds) return c;
    pred = undefined;
  }
  return undefined;
}

/** Each macro's rules, read once (undefined: they do not read). */
const rulesByDefinition = new Map<string, ReturnType<typeof macroRules>>();

/**
 * The text a call of the macro `definition` expands to, on one line, if it can be expanded. The
 * call's tokens are read from `text` (the file's), or from the call's own tree without it.
 */
function expansionOf(call: SyntaxNode, definition: string, text: string | undefined): string | undefined {
  const body = call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body) return undefined;
  const tokens = text === undefined ? body.text.slice(1, -1) : text.slice(body.startIndex + 1, body.endIndex - 1);
  if (!rulesByDefinition.has(definition)) {
    // Kept for the run, a few hundred at most: a crate's macros that write types.
    if (rulesByDefinition.size > 2000) rulesByDefinition.clear();
    rulesByDefinition.set(definition, macroRules(definition));
  }
  const rules = rulesByDefinition.get(definition);
  return rules && expandCall(rules, tokens);
}

/** How many calls a round of a file expands at most (see expandMacroCallSteps). */
const MAX_EXPANSIONS = 64;

interface Expansion {
  scope: Scope;
  at: number;
  text: string;
  cfg?: string;
  /** The call is in this trait's body: its fns are the trait's methods, not the module's items. */
  trait?: TraitDef;
}

/** The expansions in groups whose written stretches do not overlap, in order (see lowerExpansions). */
function apart(expansions: Expansion[]): Expansion[][] {
  const groups: { end: number; members: Expansion[] }[] = [];
  for (const e of [...expansions].sort((a, b) => a.at - b.at)) {
    const group = groups.find((g) => g.end <= e.at);
    if (group) {
      group.members.push(e);
      group.end = e.at + e.text.length;
    } else groups.push({ end: e.at + e.text.length, members: [e] });
  }
  return groups.map((g) => g.members);
}

/**
 * Lowers calls' expansions as items of each call's scope. Each expansion is written over the
 * file's text from where its call starts (the text past the file's end padded), so its items are
 * on the call's line; the group's expansions do not overlap, and are parsed at once. Their impls
 * are marked `expanded`: their text is the macro's, whose body the rules check where it is
 * written. Macro calls they hold go to `next`.
 */
function* lowerExpansions(
  group: Expansion[],
  text: string,
  cfg: CfgContext,
  parse: ParseSpans,
  keep: (tree: SyntaxTree) => void,
  into: FileItems,
  next: MacroCall[],
): Steps {
  const end = Math.max(...group.map((e) => e.at + e.text.length));
  const base = end < text.length ? text : text + ' '.repeat(end - text.length + 1);
  const tree = parse(
    { base, patches: group.map((e) => ({ at: e.at, text: e.text })) },
    group.map((e) => ({ start: e.at, end: e.at + e.text.length })),
  );
  keep(tree);
  yield;
  const top = withAttributes(tree.rootNode);
  for (const expansion of group) {
    const { scope, at } = expansion;
    const stop = at + expansion.text.length;
    const only = top.filter(({ node }) => node.startIndex >= at && node.endIndex <= stop);
    if (expansion.trait) {
      addTraitMethods(expansion.trait, only, cfg, scope, next, true);
      continue;
    }
    const more = lowerFile(tree.rootNode, {
      scope,
      only,
      cfg,
      outerCfg: expansion.cfg,
      macroItems: (inner, innerScope, _impl, trait) => {
        next.push({ call: inner, scope: innerScope, expanded: true, ...(trait ? { trait } : {}) });
        return undefined;
      },
    });
    for (const impl of [...more.impls, ...more.inactiveImpls]) impl.expanded = true;
    addItems(into, more);
  }
}

/**
 * The fns of a trait-body macro call's items (its expansion's, or its body's) added to the trait's
 * methods, those its `#[cfg]`s leave out skipped; the macro calls among them expanded next, in the
 * same trait.
 */
function addTraitMethods(
  trait: TraitDef,
  only: AttributedNode[],
  cfg: CfgContext,
  scope: Scope,
  next: MacroCall[],
  expanded?: boolean,
): void {
  for (const { node, attributes } of only) {
    if (attributes.some((a) => evaluateCfg(cfgPredicate(a.text) ?? 'all()', cfg) === false)) continue;
    if (node.type === 'function_item' || node.type === 'function_signature_item')
      (trait.macroMethods ??= []).push(node);
    else if (node.type === 'macro_invocation')
      next.push({ call: node, scope, trait, ...(expanded ? { expanded } : {}) });
  }
}

/** `more`'s items added to `into`'s. */
function addItems(into: FileItems, more: FileItems): void {
  into.types.push(...more.types);
  into.impls.push(...more.impls);
  into.inactiveImpls.push(...more.inactiveImpls);
  into.inherentImpls.push(...more.inherentImpls);
  for (const [at, scope] of more.bodyScopes ?? []) (into.bodyScopes ??= new Map()).set(at, scope);
}

/** An item-macro call met while lowering, with the scope its items belong to. */
export interface MacroCall {
  call: SyntaxNode;
  scope: Scope;
  /** The call is in an impl's body: the fns it declares are the impl's methods. */
  impl?: InherentImpl;
  /** The call is in a trait's body: the fns it declares are the trait's methods. */
  trait?: TraitDef;
  /** The call is in another's expansion (see lowerExpansions): its text is not the file's there. */
  expanded?: boolean;
}

/** What one round of expansion reads: the file's text, the calls, what they expand into. */
type ExpansionInput = [
  text: string,
  calls: readonly MacroCall[],
  infos: Map<string, MacroInfo>,
  cfg: CfgContext,
  parse: ParseSpans,
  keep: (tree: SyntaxTree) => void,
  into: FileItems,
];

/**
 * One round of item-macro expansion for one file: every body shown at once in a single parse
 * (the rest blanked), each body's items lowered into its scope and added to `into`. Returns the
 * calls found inside those bodies, for the next round. `keep` owns the new tree.
 */
export function expandMacroCalls(...input: ExpansionInput): MacroCall[] {
  return runSteps(expandMacroCallSteps(...input));
}

/**
 * The same, with `afterLowering` told each scope a body was lowered into, as steps (a project
 * reads the files of the modules the body declares then, and yields between them).
 */
export function* expandMacroCallSteps(
  ...[text, calls, infos, cfg, parse, keep, into, afterLowering]: [
    ...ExpansionInput,
    afterLowering?: (scope: Scope) => Steps,
  ]
): Steps<MacroCall[]> {
  const expanding: {
    scope: Scope;
    impl?: InherentImpl;
    trait?: TraitDef;
    span: { start: number; end: number; rewrite?: (body: string) => string };
    active: boolean;
    cfg?: string;
  }[] = [];
  const expansions: Expansion[] = [];
  for (const { call, scope, impl, trait, expanded } of calls) {
    const name = ownMacroName(call.childForFieldName('macro')?.text ?? '', infos);
    const branch = lastSegment(name) === 'cfg_if' ? cfgIfBranch(call, cfg) : undefined;
    const outer = branch ? undefined : callCfg(call, infos.get(name));
    // A trait-body call of a macro written in the same item macro's body as the trait (tokio's
    // `cfg_io_util! { macro_rules! write_impl {..} pub trait AsyncWriteExt {..} }`): found in
    // the tree that holds both (the file's tree has that body blanked).
    const known = trait && !infos.has(name) ? besideCall(call, name) : infos;
    const state = branch ? 'active' : itemMacroState(name, known, cfg, outer, trait !== undefined);
    const info = branch ? undefined : known.get(name);
    const definition = info?.definition ?? (trait ? info?.methodsDefinition : undefined);
    // A call in an expansion is read by expanding it too: the file's text there is another's.
    if (expanded && definition === undefined) continue;
    if (definition !== undefined) {
      // The file's tree has the bodies blanked: a call's tokens are read from the file's text,
      // or from its expansion's, which holds them.
      const expansion =
        state === 'active' && !impl ? expansionOf(call, definition, expanded ? undefined : text) : undefined;
      if (expansion !== undefined)
        expansions.push({
          scope,
          at: call.startIndex,
          text: infos.has('pin_project') ? expansion : pinProjectsUnwrapped(expansion),
          cfg: outer,
          trait,
        });
      continue;
    }
    const span = state === 'skip' ? undefined : bodySpan(branch ?? call);
    if (span && !branch && isBitflags(name, infos)) Object.assign(span, { rewrite: bitflagsAsStructs });
    const unit = branch ? undefined : infos.get(name)?.declaresUnit;
    if (span && unit && !infos.get(name)?.passesItems) {
      const rewritten = unitAsItem(text.slice(span.start, span.end), unit);
      if (rewritten === undefined) continue;
      Object.assign(span, { rewrite: () => rewritten });
    }
    if (span) expanding.push({ scope, impl, trait, span, active: state === 'active', cfg: outer });
  }
  const next: MacroCall[] = [];
  // A file of hundreds of such calls (winapi's `STRUCT!`s, of another OS) is not expanded: their
  // expansions overlap, so each is nearly a parse of its own, for types not read before either.
  if (expansions.length <= MAX_EXPANSIONS) {
    for (const group of apart(expansions)) {
      yield* lowerExpansions(group, text, cfg, parse, keep, into, next);
      if (afterLowering) for (const { scope } of group) yield* afterLowering(scope);
    }
  }
  const input = spansAsItems(
    text,
    expanding.map((e) => e.span),
  );
  if (input.spans.length === 0) return next;
  const tree = parse(input.text, input.spans);
  keep(tree);
  // The bodies' parse, then each body's lowering, a step each (a file's bodies can be most of it).
  yield;
  // The top-level items once, each body taking those inside its span.
  const top = withAttributes(tree.rootNode);
  const inactive: { scope: Scope; only: AttributedNode[]; outerCfg?: string }[] = [];
  for (const { scope, impl, trait, span, active, cfg: outerCfg } of expanding) {
    const only = top.filter(({ node }) => node.startIndex >= span.start && node.endIndex <= span.end);
    if (trait) {
      if (active) addTraitMethods(trait, only, cfg, scope, next);
      continue;
    }
    if (impl) {
      // An impl body's macro: its fns are the impl's methods, its macro calls expanded next.
      if (!active) continue;
      addMethods(impl, only, cfg);
      for (const { node } of only) if (node.type === 'macro_invocation') next.push({ call: node, scope, impl });
      continue;
    }
    if (!active) {
      for (const { node } of only) into.inactiveImpls.push(...implsWithin(node, scope));
      inactive.push({ scope, only, outerCfg });
      continue;
    }
    const more = lowerFile(tree.rootNode, {
      scope,
      only,
      cfg,
      outerCfg,
      macroItems: (inner, innerScope, _impl, trait) => {
        next.push({ call: inner, scope: innerScope, ...(trait ? { trait } : {}) });
        return undefined;
      },
    });
    addItems(into, more);
    if (afterLowering) yield* afterLowering(scope);
    yield;
  }
  // Inactive `mod x;`s last: an active `mod` of the same name (`cfg_metrics! { mod metrics; }`
  // beside `cfg_not_metrics! { mod metrics; }`) takes the name first.
  if (cfg.keepInactiveModules) {
    for (const { scope, only, outerCfg } of inactive) {
      keepInactiveModules(only, scope, outerCfg);
      if (afterLowering) yield* afterLowering(scope);
    }
  }
  return next;
}
