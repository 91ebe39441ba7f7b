// Every `unsafe impl Send/Sync` written in a crate's sources, found independently of the engine:
// the text outside comments and string literals (tree-sitter says where those are) is scanned for
// `unsafe impl`, so impls inside macro definitions and macro calls count too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyntaxNode } from '../../server/src/syntax/parser';
import { getParser } from './rust-items';

export interface WrittenImpl {
  /** Relative to the crate folder. */
  file: string;
  /** 1-based line of `unsafe`. */
  line: number;
  trait: 'Send' | 'Sync';
  /** Inside a `macro_rules!` body (the impl is a template). */
  inMacroDefinition: boolean;
}

/** The `.rs` files under `dir`, relative, skipping target/, .git/ and node_modules/. */
export function rustFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!['target', '.git', 'node_modules'].includes(e.name)) out.push(...rustFiles(dir, rel));
    } else if (e.isFile() && e.name.endsWith('.rs')) {
      out.push(rel);
    }
  }
  return out;
}

const MASKED = new Set(['line_comment', 'block_comment', 'string_literal', 'raw_string_literal', 'char_literal']);

/**
 * The trait an impl header names, when the text starts `unsafe impl`: `Send` or `Sync` (also as
 * `std::marker::Send`, `$crate::...::Sync`), else undefined. Generic parameters may hold `<>`
 * and `->`.
 */
export function headerTrait(text: string): 'Send' | 'Sync' | undefined {
  const m = /^\s*unsafe\s+impl\b/.exec(text);
  if (!m) return undefined;
  let i = m[0].length;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  if (text[i] === '<') {
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '-' && text[i + 1] === '>') {
        i++;
        continue;
      }
      if (c === '<') depth++;
      else if (c === '>' && --depth === 0) {
        i++;
        break;
      }
    }
    skipSpace();
  }
  if (text[i] === '!') return undefined;
  const path = /^(?:::\s*)?[\w$]+(?:\s*::\s*[\w$]+)*/.exec(text.slice(i));
  if (!path) return undefined;
  const last = path[0].split('::').pop()!.trim();
  const rest = text.slice(i + path[0].length);
  if (!/^\s*(for\b|$)/.test(rest)) return undefined; // a span may end before `for`
  return last === 'Send' || last === 'Sync' ? last : undefined;
}

export async function writtenImpls(crateDir: string): Promise<WrittenImpl[]> {
  const parser = await getParser();
  const out: WrittenImpl[] = [];
  for (const file of rustFiles(crateDir)) {
    const source = readFileSync(join(crateDir, file), 'utf8');
    if (!source.includes('unsafe')) continue;
    const tree = parser.parse(source);
    try {
      const chars = source.split('');
      const macroBodies: [number, number][] = [];
      const walk = (n: SyntaxNode) => {
        if (MASKED.has(n.type)) {
          for (let k = n.startIndex; k < n.endIndex; k++) if (chars[k] !== '\n') chars[k] = ' ';
          return;
        }
        if (n.type === 'macro_definition') macroBodies.push([n.startIndex, n.endIndex]);
        for (const c of n.children) if (c) walk(c);
      };
      walk(tree.rootNode);
      const masked = chars.join('');
      const re = /\bunsafe\s+impl\b/g;
      for (let m = re.exec(masked); m; m = re.exec(masked)) {
        const trait = headerTrait(masked.slice(m.index, m.index + 2000));
        if (!trait) continue;
        out.push({
          file,
          line: masked.slice(0, m.index).split('\n').length,
          trait,
          inMacroDefinition: macroBodies.some(([s, e]) => m.index >= s && m.index < e),
        });
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}
