// Generates the futures analysis's table of std signatures from the rustdoc HTML installed with
// the toolchain: for every std struct and enum without type parameters, the inherent fns and
// methods whose result is written in std types, primitives, references, slices and `Self`
// (`TcpListener::bind -> io::Result<TcpListener>`, `SocketAddr::ip(&self) -> IpAddr`), with how
// each takes its receiver. A result naming a fn's own type parameter, a tuple, a closure or an
// `impl Trait` is left out: the analysis says `unknown` there, as before.
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
export function resultText(text: string): string | undefined {
  const t = text
    .replace(/'\w+\s*/g, '') // lifetimes
    .replace(/<\s*,?\s*>/g, '') // an argument list of lifetimes only
    .replace(/<\s*,\s*/g, '<')
    .replace(/\s+/g, ' ')
    .trim();
  // Every name a std path, a primitive or `Self`; no tuples, closures, `dyn`, `impl`, arrays.
  for (const token of t.split(/[<>,&[\]\s]+/).filter(Boolean)) {
    if (token === 'mut' || token === 'Self' || token === '()' || PRIMITIVE.test(token)) continue;
    if (!/^(?:std|core|alloc)::[\w:]+$/.test(token)) return undefined;
  }
  if (/[()]/.test(t.replace(/\(\)/g, ''))) return undefined;
  return t.replace(/\b(?:core|alloc)::/g, 'std::').replace(/&mut /g, '&mut ');
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
    // Type parameters (lifetimes only are fine: `Arguments<'a>`).
    const generics = new RegExp(`\\b(?:struct|enum)\\s+${name}\\s*<([^>]*)>`).exec(headerText(decl[1]));
    if (generics?.[1].split(',').some((p) => !p.trim().startsWith("'"))) continue;
    const start = html.indexOf('id="implementations-list"');
    if (start < 0) continue;
    const ends = [
      'id="trait-implementations',
      'id="synthetic-implementations',
      'id="blanket-implementations',
      'id="deref-methods',
    ]
      .map((m) => html.indexOf(m, start))
      .filter((i) => i > 0);
    const section = html.slice(start, ends.length ? Math.min(...ends) : undefined);
    const fns: Record<string, string[]> = {};
    const dropped = new Set<string>();
    const headerRe = /<h4 class="code-header">([\s\S]*?)<\/h4>/g;
    for (let m = headerRe.exec(section); m; m = headerRe.exec(section)) {
      // (Without the "notable traits" mark after a result: `StdinLock<'static> ⓘ`.)
      const text = headerText(m[1].replace(/<a href="#" class="tooltip"[\s\S]*?<\/a>/g, ''));
      const sig =
        /^pub (?:const )?(?:unsafe )?fn (\w+)(<[^(]*>)?(\([\s\S]*?\))(?: -> ([\s\S]*?))?(?: where [\s\S]*)?$/.exec(
          text,
        );
      if (!sig) continue;
      const [, fn, , params, ret] = sig;
      const returns = ret === undefined ? '()' : resultText(ret);
      const row: string[] | undefined = returns === undefined ? undefined : [receiverOf(params), returns];
      // Several impls (per platform, per instantiation) that disagree: none.
      if (!row || (fns[fn] && fns[fn].join() !== row.join())) {
        dropped.add(fn);
        continue;
      }
      fns[fn] = row;
    }
    for (const fn of dropped) delete fns[fn];
    if (Object.keys(fns).length > 0) types[path] = fns;
  }
  return { toolchain, types };
}

/** One type a line, sorted: diffs stay readable. */
export function renderStdSignatures(table: StdSignatureTable): string {
  const rows = Object.keys(table.types)
    .sort()
    .map((path) => `    ${JSON.stringify(path)}: ${JSON.stringify(table.types[path])}`);
  return `{\n  "toolchain": ${JSON.stringify(table.toolchain)},\n  "types": {\n${rows.join(',\n')}\n  }\n}\n`;
}
