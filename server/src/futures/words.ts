// What a node's text names, answered from one search of its tree's text: asking each fn's node
// for its text copies it, which costs the square of the file when fns nest. A tree's matches are
// kept while the tree is: a registry's calls run to hundreds of thousands, so they are kept as
// numbers (a captured name as its hash), not strings that would each hold the whole text.

import type { SyntaxNode, SyntaxTree as Tree } from '../syntax/parser';

/** A pattern's matches in one tree, in order (they do not overlap). */
interface Matches {
  starts: Int32Array;
  ends: Int32Array;
  /** The hash of what the first group captured in each (see nameHash). */
  hashes: Int32Array;
}

const matchesOf = new WeakMap<Tree, Map<RegExp, Matches>>();

/** Whether `pattern` matches somewhere inside `node`'s text, as `pattern.test(node.text)` tells. */
export function mentions(node: SyntaxNode, pattern: RegExp): boolean {
  const found = matches(node.tree, pattern);
  const first = firstFrom(found, node.startIndex);
  // Any later match ends later still.
  return first < found.starts.length && found.ends[first] <= node.endIndex;
}

/** The hashes (see nameHash) of what the first group of `pattern` captured in each of its matches inside `node`'s text. */
export function capturedHashes(node: SyntaxNode, pattern: RegExp): number[] {
  const found = matches(node.tree, pattern);
  const out: number[] = [];
  for (let i = firstFrom(found, node.startIndex); i < found.starts.length && found.ends[i] <= node.endIndex; i++)
    out.push(found.hashes[i]);
  return out;
}

/** A name's 32-bit FNV-1a hash: two names may share one, so a match by hash may be a false one. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** The first match that starts at `offset` or after. */
function firstFrom({ starts }: Matches, offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matches(tree: Tree, pattern: RegExp): Matches {
  let byPattern = matchesOf.get(tree);
  if (!byPattern) {
    byPattern = new Map();
    matchesOf.set(tree, byPattern);
  }
  let found = byPattern.get(pattern);
  if (!found) {
    const root = tree.rootNode;
    // The root's text starts at its first token; indices count from the text's start.
    const offset = root.startIndex;
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    const starts: number[] = [];
    const ends: number[] = [];
    const hashes: number[] = [];
    for (const m of root.text.matchAll(global)) {
      starts.push(m.index + offset);
      ends.push(m.index + offset + m[0].length);
      hashes.push(nameHash(m[1] ?? ''));
    }
    found = { starts: Int32Array.from(starts), ends: Int32Array.from(ends), hashes: Int32Array.from(hashes) };
    byPattern.set(pattern, found);
  }
  return found;
}
