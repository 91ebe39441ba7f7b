// Just enough Rust structure for the oracle and the fixture runner, read with the project's own
// tree-sitter loader: where inline modules' bodies are (so questions can be asked from inside a
// module), and each struct/enum/union's generic parameters (so probes can be plugged in).
// Independent of the engine's model on purpose: the proof side must not share the engine's bugs.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expandCall, macroRules } from '../../server/src/model/macro-expand';
import { createRustParser, type RustParser, type SyntaxNode, type SyntaxTree } from '../../server/src/syntax/parser';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * A folder holding tree-sitter.wasm and tree-sitter-rust.wasm: the repo's `dist/` once built,
 * otherwise a copy from node_modules in the temp dir (so the oracle works without a build).
 */
export function findWasmDir(): string {
  const dist = join(REPO_ROOT, 'dist');
  if (existsSync(join(dist, 'tree-sitter.wasm')) && existsSync(join(dist, 'tree-sitter-rust.wasm'))) return dist;
  const dir = join(tmpdir(), 'rust-send-sync-test-wasm');
  mkdirSync(dir, { recursive: true });
  const webTreeSitter = dirname(require.resolve('web-tree-sitter'));
  copyFileSync(join(webTreeSitter, 'tree-sitter.wasm'), join(dir, 'tree-sitter.wasm'));
  copyFileSync(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'), join(dir, 'tree-sitter-rust.wasm'));
  return dir;
}

let parserPromise: Promise<RustParser> | undefined;

export function getParser(): Promise<RustParser> {
  parserPromise ??= createRustParser(findWasmDir());
  return parserPromise;
}

export type GenericParam =
  { kind: 'lifetime'; name: string } | { kind: 'type'; name: string } | { kind: 'const'; name: string; type: string };

export interface TypeDecl {
  name: string;
  /** `a::b::Foo`, the same convention as the engine's report path. */
  path: string;
  /** The enclosing inline module, `a::b` (empty at the crate root). */
  module: string;
  kind: 'struct' | 'enum' | 'union';
  params: GenericParam[];
  /** Declared inside a function body: code outside that body cannot name it. */
  inFunction: boolean;
  /** 1-based line of the type's name. */
  line: number;
}

export interface ModuleBody {
  /** `a::b` */
  path: string;
  /** Offset of the `}` closing the module's body (where code can be appended). */
  closeOffset: number;
}

export interface RustItems {
  types: TypeDecl[];
  modules: ModuleBody[];
  /** A `fn main` at the crate root (the oracle needs that name for itself). */
  hasRootMain: boolean;
  syntaxErrors: boolean;
}

const TYPE_KINDS: Record<string, TypeDecl['kind']> = { struct_item: 'struct', enum_item: 'enum', union_item: 'union' };

export async function readRustItems(source: string): Promise<RustItems> {
  const parser = await getParser();
  const tree = parser.parse(source);
  try {
    const out: RustItems = { types: [], modules: [], hasRootMain: false, syntaxErrors: tree.rootNode.hasError };
    const macroTrees: SyntaxTree[] = [];
    const reparse = (text: string) => {
      const t = parser.parse(text);
      macroTrees.push(t);
      return t;
    };
    readMacroDefinitions(tree.rootNode);
    walkItems(tree.rootNode, [], false, out, source, reparse);
    for (const t of macroTrees) t.delete();
    return out;
  } finally {
    tree.delete();
  }
}

/**
 * Braced token trees inside a macro call that are whole items on their own (`items! { struct
 * A; }`, each branch of `cfg_if!`): read as items. Every branch counts, compiled or not; the
 * questions about a type are the same whichever declaration the build keeps.
 */
function walkMacroBody(
  call: SyntaxNode,
  modPath: string[],
  inFunction: boolean,
  out: RustItems,
  source: string,
  reparse: Reparse,
): void {
  const asItems = (tt: SyntaxNode): boolean => {
    if (!tt.text.startsWith('{') || tt.endIndex - tt.startIndex < 2) return false;
    const blank = (s: string) => s.replace(/[^\n]/g, ' ');
    const start = tt.startIndex + 1;
    const end = tt.endIndex - 1;
    const body = reparse(blank(source.slice(0, start)) + source.slice(start, end) + blank(source.slice(end)));
    if (body.rootNode.hasError) return false;
    walkItems(body.rootNode, modPath, inFunction, out, source, reparse);
    return true;
  };
  const body = call.namedChildren.find((c) => c?.type === 'token_tree');
  if (!body || asItems(body)) return;
  // A macro of the file that writes types from its input (`define_endian!(BigEndian)`): the
  // types its expansion declares, with their parameters, for rustc to be asked about.
  const rules = knownMacros.get(call.childForFieldName('macro')?.text ?? '');
  const expanded = rules && expansionDepth < 4 ? expandCall(rules, body.text.slice(1, -1)) : undefined;
  if (expanded !== undefined) {
    expansionDepth++;
    try {
      const tree = reparse(expanded);
      walkItems(tree.rootNode, modPath, inFunction, out, expanded, reparse);
    } finally {
      expansionDepth--;
    }
    return;
  }
  for (const branch of body.namedChildren) if (branch?.type === 'token_tree') asItems(branch);
}

/** How deep expansions of expansions go (a macro that calls itself stops there). */
let expansionDepth = 0;

/** The `macro_rules!` of the source being read, by name, as macro-expand.ts reads them. */
const knownMacros = new Map<string, NonNullable<ReturnType<typeof macroRules>>>();

function readMacroDefinitions(root: SyntaxNode): void {
  knownMacros.clear();
  for (const def of root.descendantsOfType('macro_definition')) {
    const name = def?.childForFieldName('name')?.text;
    const rules = def && macroRules(def.text);
    if (name && rules) knownMacros.set(name, rules);
  }
}

type Reparse = (text: string) => SyntaxTree;

function walkItems(
  node: SyntaxNode,
  modPath: string[],
  inFunction: boolean,
  out: RustItems,
  source: string,
  reparse: Reparse,
): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const kind = TYPE_KINDS[child.type];
    if (kind) {
      const nameNode = child.childForFieldName('name');
      if (nameNode) {
        out.types.push({
          name: nameNode.text,
          path: [...modPath, nameNode.text].join('::'),
          module: modPath.join('::'),
          kind,
          params: readParams(child.childForFieldName('type_parameters')),
          inFunction,
          line: nameNode.startPosition.row + 1,
        });
      }
    } else if (child.type === 'mod_item') {
      const name = child.childForFieldName('name')?.text;
      const body = child.childForFieldName('body');
      if (name && body) {
        const path = [...modPath, name];
        if (!inFunction) out.modules.push({ path: path.join('::'), closeOffset: closingBraceOffset(body, source) });
        walkItems(body, path, inFunction, out, source, reparse);
      }
    } else if (child.type === 'macro_invocation' && child.childForFieldName('macro')?.text !== 'macro_rules') {
      walkMacroBody(child, modPath, inFunction, out, source, reparse);
    } else if (
      child.type === 'expression_statement' &&
      child.namedChildren.length === 1 &&
      child.namedChildren[0]?.type === 'macro_invocation'
    ) {
      // `define_endian!(BigEndian);`: a call with parentheses is a statement to the parser.
      walkMacroBody(child.namedChildren[0], modPath, inFunction, out, source, reparse);
    } else if (child.type === 'function_item') {
      if (!inFunction && modPath.length === 0 && child.childForFieldName('name')?.text === 'main')
        out.hasRootMain = true;
      const body = child.childForFieldName('body');
      if (body) walkBlocks(body, modPath, out, source, reparse);
    } else if (child.type === 'impl_item' || child.type === 'trait_item') {
      const body = child.childForFieldName('body');
      if (body) walkItems(body, modPath, inFunction, out, source, reparse);
    }
  }
}

/** Items declared in function bodies (at any depth of blocks): reported, never nameable. */
function walkBlocks(node: SyntaxNode, modPath: string[], out: RustItems, source: string, reparse: Reparse): void {
  walkItems(node, modPath, true, out, source, reparse);
  for (const child of node.namedChildren) {
    if (child && !TYPE_KINDS[child.type] && child.type !== 'mod_item' && child.type !== 'function_item') {
      walkBlocks(child, modPath, out, source, reparse);
    }
  }
}

/** Offset (in JS string units) of the `}` that closes a declaration_list. */
function closingBraceOffset(body: SyntaxNode, source: string): number {
  // web-tree-sitter parses JS strings as UTF-16, so its indices are string indices.
  const at = body.endIndex - 1;
  if (source[at] !== '}') throw new Error(`module body does not end in '}' at ${at}`);
  return at;
}

function readParams(node: SyntaxNode | null): GenericParam[] {
  if (!node) return [];
  const params: GenericParam[] = [];
  for (const p of node.namedChildren) {
    if (!p) continue;
    const name = p.childForFieldName('name')?.text ?? '';
    if (p.type === 'lifetime_parameter' || p.type === 'lifetime') {
      params.push({ kind: 'lifetime', name: name || p.text });
    } else if (p.type === 'const_parameter') {
      params.push({ kind: 'const', name, type: p.childForFieldName('type')?.text ?? 'usize' });
    } else if (
      p.type === 'type_parameter' ||
      p.type === 'constrained_type_parameter' ||
      p.type === 'optional_type_parameter'
    ) {
      const n = name || p.childForFieldName('left')?.text || p.namedChildren[0]?.text || ''; // eslint-disable-line @typescript-eslint/prefer-nullish-coalescing -- empty strings fall through on purpose
      params.push({ kind: 'type', name: n });
    }
  }
  return params;
}
