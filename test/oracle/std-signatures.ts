// Generates the futures analysis's table of std signatures from the rustdoc HTML installed with
// the toolchain: for every std struct and enum, the fns and methods of its own inherent impls
// (over its parameters as declared: not `impl<T> Option<&T>`) whose result is written in std
// types, primitives, references, slices, `Self` and the type's parameters
// (`TcpListener::bind -> io::Result<TcpListener>`, `Receiver<T>::recv -> Result<T, RecvError>`),
// with how each takes its receiver. A result naming a fn's own type parameter, a tuple, a closure
// or an `impl Trait` is left out, and so is a nightly-only API: the analysis says `unknown` there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headerText } from './corpus-rustdoc';
import { REPO_ROOT } from './rust-items';
import { normalizeStdPath } from './std-table';
import type { StdSignatureTable } from '../../server/src/futures/std-methods';

/** The committed output. */
export const STD_SIGNATURES_FILE = join(REPO_ROOT, 'server', 'src', 'futures', 'std-signatures.json');

const PRIMITIVE = /^(?:bool|char|str|[iu](?:8|16|32|64|128|size)|f32|f64)$/;

function pages(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) pages(p, out);
    else if (/^(struct|enum)\..+\.html$/.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * A result type's text in the form the analysis reads (`std::io::Result<std::net::TcpListener>`,
 * `&std::path::Path`), or undefined when it holds anything else.
 */
export function resultText(text: string, params: readonly string[] = []): string | undefined {
  const t = text
    .replace(/'\w+\s*/g, '') // lifetimes
    .replace(/<\s*,?\s*>/g, '') // an argument list of lifetimes only
    .replace(/<\s*,\s*/g, '<')
    .replace(/\s+/g, ' ')
    .trim();
  // Every name a std path, a primitive or `Self`; no tuples, closures, `dyn`, `impl`; arrays of a
  // literal length only (`[u8; 4]`).
  for (const token of t
    .replace(/;\s*\d+\s*\]/g, ']')
    .split(/[<>,&[\]\s]+/)
    .filter(Boolean)) {
    if (token === 'mut' || token === 'Self' || token === '()' || PRIMITIVE.test(token)) continue;
    if (params.includes(token)) continue;
    if (!/^(?:std|core|alloc)::[\w:]+$/.test(token)) return undefined;
  }
  if (/[()]/.test(t.replace(/\(\)/g, ''))) return undefined;
  // `alloc::alloc::AllocError` is `std::alloc::AllocError`: only a path's crate is renamed.
  return t.replace(/(^|[^\w:])(?:core|alloc)::/g, '$1std::').replace(/&mut /g, '&mut ');
}

/** How a method's parameter list takes `self`. */
function receiverOf(params: string): 'value' | 'ref' | 'none' {
  const first = params.replace(/^\(\s*/, '');
  if (/^&\s*(?:mut\s+)?self\b/.test(first)) return 'ref';
  if (/^(?:mut\s+)?self\s*(?:[,)]|$)/.test(first)) return 'value';
  if (/^(?:mut\s+)?self\s*:/.test(first))
    return first.replace(/^(?:mut\s+)?self\s*:\s*/, '').startsWith('&') ? 'ref' : 'value';
  return 'none';
}

export function generateStdSignatures(docDir: string, toolchain: string): StdSignatureTable {
  const types: StdSignatureTable['types'] = {};
  for (const page of pages(join(docDir, 'std')).sort()) {
    const html = readFileSync(page, 'utf8');
    if (!html.includes('id="main-content"')) continue; // a redirect page
    const file = page.slice(join(docDir, 'std').length + 1).split('/');
    const [, , name] = /^(struct|enum)\.(.+)\.html$/.exec(file.pop()!)!;
    const path = normalizeStdPath(['std', ...file, name].join('::'));
    const decl = /<pre class="rust item-decl">([\s\S]*?)<\/pre>/.exec(html);
    if (!decl) continue;
    // Type parameters (lifetimes are fine: `Arguments<'a>`), by name: a result may name them,
    // as the type's own impl block (`impl<T> Receiver<T>`) writes them.
    const declared = typeParams(headerText(decl[1]), name);
    if (declared === undefined) continue;
    const fns = ownFns(implementations(html), (header) => ownImplOf(header, name, declared), declared);
    if (Object.keys(fns).length > 0) types[path] = fns;
  }
  return { toolchain, types, primitives: generatePrimitives(docDir) };
}

/**
 * The primitives' own methods, by the primitive (`str`, `u32`, `[T]` for slices), from their
 * pages (`primitive.str.html`): `len`, `as_bytes`, `to_le_bytes`, `iter`, as for std's types.
 */
function generatePrimitives(docDir: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const name of readdirSync(join(docDir, 'std')).sort()) {
    const m = /^primitive\.(str|slice|bool|char|[iu](?:8|16|32|64|128|size)|f32|f64)\.html$/.exec(name);
    if (!m) continue;
    const slice = m[1] === 'slice';
    const key = slice ? '[T]' : m[1];
    const declared = slice ? ['T'] : [];
    // The primitive's own impl (`impl str`, `impl<T> [T]`), not one of an instantiation (`impl [u8]`).
    const own = (header: string) =>
      header.replace(/\s+where\s[\s\S]*$/, '').trim() === `impl${slice ? '<T>' : ''} ${key}`;
    const fns = ownFns(implementations(readFileSync(join(docDir, 'std', name), 'utf8')), own, declared);
    if (Object.keys(fns).length > 0) out[key] = fns;
  }
  return out;
}

/** A page's inherent impls, up to its trait impls. */
function implementations(html: string): string {
  const start = html.indexOf('id="implementations-list"');
  if (start < 0) return '';
  const ends = [
    'id="trait-implementations',
    'id="synthetic-implementations',
    'id="blanket-implementations',
    'id="deref-methods',
  ]
    .map((m) => html.indexOf(m, start))
    .filter((i) => i > 0);
  return html.slice(start, ends.length ? Math.min(...ends) : undefined);
}

/**
 * The stable fns of the impl blocks `ownImpl` takes, by name: how each takes its receiver and
 * its result's text, where that is written in std types (see resultText).
 */
function ownFns(
  section: string,
  ownImpl: (header: string) => boolean,
  declared: readonly string[],
): Record<string, string[]> {
  const fns: Record<string, string[]> = {};
  const dropped = new Set<string>();
  const headerRe = /<h([34]) class="code-header">([\s\S]*?)<\/h\1>/g;
  // Whether the impl block being read is the type's own, over its parameters as declared (not
  // `impl<T> Option<&T>`, whose `T` is another type's, nor `impl Vec<u8>`).
  let own = true;
  for (let m = headerRe.exec(section); m; m = headerRe.exec(section)) {
    if (m[1] === '3') {
      own = ownImpl(headerText(m[2]));
      continue;
    }
    if (!own) continue;
    // A nightly-only API (`Vec::new_in`): stable code does not call it, and a trait's method of
    // that name is taken instead.
    const end = section.indexOf('</summary>', headerRe.lastIndex);
    if (section.slice(headerRe.lastIndex, end < 0 ? headerRe.lastIndex + 600 : end).includes('stab unstable')) continue;
    // (Without the "notable traits" mark after a result: `StdinLock<'static> ⓘ`.)
    const text = headerText(m[2].replace(/<a href="#" class="tooltip"[\s\S]*?<\/a>/g, ''));
    const sig =
      /^pub (?:const )?(?:unsafe )?fn (\w+)(<[^(]*>)?(\([\s\S]*?\))(?: -> ([\s\S]*?))?(?: where [\s\S]*)?$/.exec(text);
    if (!sig) continue;
    const [, fn, , params, ret] = sig;
    const returns = ret === undefined ? '()' : resultText(ret, declared);
    const row: string[] | undefined = returns === undefined ? undefined : [receiverOf(params), returns];
    // Several impls (per platform, per instantiation) that disagree: none.
    if (!row || (fns[fn] && fns[fn].join() !== row.join())) {
      dropped.add(fn);
      continue;
    }
    fns[fn] = row;
  }
  for (const fn of dropped) delete fns[fn];
  return fns;
}

/**
 * The type parameters of a struct or enum's declaration (`pub struct Vec<T, A: Allocator = Global>`:
 * `T`, `A`), lifetimes and consts left out; undefined when it has const parameters (not read).
 */
export function typeParams(declaration: string, name: string): string[] | undefined {
  const at = new RegExp(`\\b(?:struct|enum)\\s+${name}\\s*<`).exec(declaration);
  if (!at) return [];
  const list = balancedArgs(declaration.slice(at.index + at[0].length));
  if (list === undefined) return undefined;
  const out: string[] = [];
  for (const p of list) {
    if (p.startsWith("'")) continue;
    if (p.startsWith('const ')) return undefined;
    const id = /^(\w+)/.exec(p)?.[1];
    if (!id) return undefined;
    out.push(id);
  }
  return out;
}

/** The comma-separated arguments up to the `>` that closes the list `text` starts inside. */
function balancedArgs(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if (c === '>' && text[i - 1] === '-') continue;
    else if (c === '>' || c === ')' || c === ']') {
      if (depth === 0) {
        out.push(text.slice(from, i).trim());
        return out.filter(Boolean);
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  return undefined;
}

/**
 * Whether an impl header (`impl<T, A: Allocator> Vec<T, A>`, `impl<T> Vec<T>`) is an inherent impl
 * of the type over its own parameters, in order (a prefix: the others are their defaults), so that
 * its fns' results name the type's parameters.
 */
export function ownImplOf(header: string, name: string, declared: readonly string[]): boolean {
  const m = new RegExp(`^(?:unsafe )?impl\\b(?:<[\\s\\S]*?>)?\\s+(?:[\\w:]+::)?${name}\\b\\s*(<[\\s\\S]*)?$`).exec(
    header.replace(/\s+where\s[\s\S]*$/, '').trim(),
  );
  if (!m || header.includes(' for ')) return false;
  if (!m[1]) return declared.length === 0;
  const args = balancedArgs(m[1].slice(1))?.filter((a) => !a.startsWith("'"));
  return args !== undefined && args.every((a, i) => a === declared[i]) && (args.length > 0 || declared.length === 0);
}

/** One type a line, sorted: diffs stay readable. */
export function renderStdSignatures(table: StdSignatureTable): string {
  const rows = Object.keys(table.types)
    .sort()
    .map((path) => `    ${JSON.stringify(path)}: ${JSON.stringify(table.types[path])}`);
  const primitives = Object.keys(table.primitives)
    .sort()
    .map((name) => `    ${JSON.stringify(name)}: ${JSON.stringify(table.primitives[name])}`);
  return `{\n  "toolchain": ${JSON.stringify(table.toolchain)},\n  "types": {\n${rows.join(',\n')}\n  },\n  "primitives": {\n${primitives.join(',\n')}\n  }\n}\n`;
}
