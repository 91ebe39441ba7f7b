// What a node's text names. Each node's own text is searched, until that has cost twice the
// tree's text (fns nested in fns would cost its square): from then on, the answers come from one
// search of the tree's whole text. Those matches are kept while the tree is: a registry's calls run
// to hundreds of thousands, so they are kept as numbers (a captured name as its hash), not as
// strings that would each hold the whole text.

import type { SyntaxNode, SyntaxTree as Tree } from '../syntax/parser';

/** A pattern's matches in one tree, in order (they do not overlap). */
interface Matches {
  starts: Int32Array;
  ends: Int32Array;
  /** The hash of what the first group captured in each (see nameHash). */
  hashes: Int32Array;
  /** For capturesAny: how many of the first `i` matches have a hash in `countedFor` (at `countedSize`). */
  counted?: Int32Array;
  countedFor?: ReadonlySet<number>;
  countedSize?: number;
}

/** Per tree: how much of its text the pattern's own searches read, and its matches once found. */
interface TreeSearch {
  length: number;
  searched: Map<RegExp, number>;
  matches: Map<RegExp, Matches>;
  /** Whether the pattern matches anywhere in the tree (see treeMentions). */
  anywhere: Map<RegExp, boolean>;
}

const searches = new WeakMap<Tree, TreeSearch>();

/** Whether `pattern` matches somewhere in the tree's text: searched once, kept with the tree. */
export function treeMentions(tree: Tree, pattern: RegExp): boolean {
  const search = searchOf(tree);
  let found = search.anywhere.get(pattern);
  if (found === undefined) {
    found = pattern.test(tree.rootNode.text);
    search.anywhere.set(pattern, found);
  }
  return found;
}

/** Whether `pattern` matches somewhere inside `node`'s text, as `pattern.test(node.text)` tells. */
export function mentions(node: SyntaxNode, pattern: RegExp): boolean {
  const found = matchesFor(node, pattern);
  if (!found) return pattern.test(node.text);
  const first = firstFrom(found.starts, node.startIndex);
  // Any later match ends later still.
  return first < found.starts.length && found.ends[first] <= node.endIndex;
}

/**
 * Whether what the first group of `pattern` captures, in one of its matches inside `node`'s text,
 * hashes (see nameHash) to one of `hashes`. From the tree's matches, it counts those whose hash
 * is in the set once (for the set at its size: a set that only grows), and the answer is a
 * difference of two counts: a body of nested fns holds every call of those inside it, and
 * listing them for each fn took the square.
 */
export function capturesAny(node: SyntaxNode, pattern: RegExp, hashes: ReadonlySet<number>): boolean {
  if (hashes.size === 0) return false;
  const found = matchesFor(node, pattern);
  if (!found) {
    for (const m of node.text.matchAll(globalOf(pattern))) if (hashes.has(nameHash(m[1] ?? ''))) return true;
    return false;
  }
  const from = firstFrom(found.starts, node.startIndex);
  // The matches that end by the node's end: those before the first that ends after it.
  const to = firstFrom(found.ends, node.endIndex + 1);
  if (to <= from) return false;
  if (found.countedFor !== hashes || found.countedSize !== hashes.size) {
    found.counted = new Int32Array(found.hashes.length + 1);
    for (let i = 0; i < found.hashes.length; i++)
      found.counted[i + 1] = found.counted[i] + (hashes.has(found.hashes[i]) ? 1 : 0);
    found.countedFor = hashes;
    found.countedSize = hashes.size;
  }
  return found.counted![to] - found.counted![from] > 0;
}

/** A name's 32-bit FNV-1a hash: two names may share one, so a match by hash may be a false one. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** The tree's matches of `pattern`, or undefined while searching `node` alone costs less in all. */
function matchesFor(node: SyntaxNode, pattern: RegExp): Matches | undefined {
  const tree = node.tree;
  const search = searchOf(tree);
  const known = search.matches.get(pattern);
  if (known) return known;
  const searched = (search.searched.get(pattern) ?? 0) + node.endIndex - node.startIndex;
  if (searched <= 2 * search.length) {
    search.searched.set(pattern, searched);
    return undefined;
  }
  const found = allMatches(tree, pattern);
  search.matches.set(pattern, found);
  return found;
}

function searchOf(tree: Tree): TreeSearch {
  let search = searches.get(tree);
  if (!search) {
    search = { length: tree.rootNode.endIndex, searched: new Map(), matches: new Map(), anywhere: new Map() };
    searches.set(tree, search);
  }
  return search;
}

/** The first of `offsets` (in order) that is `offset` or after. */
function firstFrom(offsets: Int32Array, offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `pattern` with the `g` flag, made once. */
const globals = new Map<RegExp, RegExp>();

function globalOf(pattern: RegExp): RegExp {
  let global = globals.get(pattern);
  if (!global) {
    global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    globals.set(pattern, global);
  }
  return global;
}

function allMatches(tree: Tree, pattern: RegExp): Matches {
  const root = tree.rootNode;
  // The root's text starts at its first token; indices count from the text's start.
  const offset = root.startIndex;
  const starts: number[] = [];
  const ends: number[] = [];
  const hashes: number[] = [];
  for (const m of root.text.matchAll(globalOf(pattern))) {
    starts.push(m.index + offset);
    ends.push(m.index + offset + m[0].length);
    hashes.push(nameHash(m[1] ?? ''));
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends), hashes: Int32Array.from(hashes) };
}
