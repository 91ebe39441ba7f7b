// Reads the markers of a Rust fixture file (test/fixtures/*/*.rs):
//   //@ a::Foo: Send if T: Send; Sync no (unsafe-impl)   expected verdicts of one type
//   <code> //~ code code                                 the findings expected to start on that line
//   //! no-rustc: <reason>                                the file is checked against the engine only
//   //! rustc-bootstrap: <reason>                        rustc runs with RUSTC_BOOTSTRAP=1 (unstable features)
//   //! findings: unchecked                              verdicts only: findings are not compared
//   //! findings: only CODE CODE                         only findings of these rule codes are compared
import type { ExpectedVerdict } from './instantiate';

export type Source = 'auto' | 'unsafe-impl' | 'negative-impl';

export interface FixtureVerdict extends ExpectedVerdict {
  source: Source;
}

export interface FixtureType {
  path: string;
  send: FixtureVerdict;
  sync: FixtureVerdict;
  /** 1-based line of the `//@` marker. */
  line: number;
}

export interface FixtureFinding {
  /** 1-based line the finding starts on. */
  line: number;
  code: string;
}

export interface Fixture {
  types: FixtureType[];
  findings: FixtureFinding[];
  /** Why rustc cannot check this file (it does not compile on stable), if so. */
  noRustc?: string;
  /** Why the file needs unstable features (rustc then runs with RUSTC_BOOTSTRAP=1), if so. */
  rustcBootstrap?: string;
  checkFindings: boolean;
  /** When set, only findings of these codes are compared (a file about one rule). */
  onlyCodes?: string[];
}

const SOURCES = new Set<Source>(['auto', 'unsafe-impl', 'negative-impl']);

export function parseVerdict(text: string, where: string): FixtureVerdict {
  let body = text.trim();
  let source: Source = 'auto';
  const src = /\(([a-z-]+)\)$/.exec(body);
  if (src) {
    if (!SOURCES.has(src[1] as Source)) throw new Error(`${where}: unknown verdict source \`${src[1]}\``);
    source = src[1] as Source;
    body = body.slice(0, src.index).trim();
  }
  if (body === 'yes' || body === 'no' || body === 'unknown') return { status: body, requires: [], source };
  const cond = /^if\s+(.+)$/.exec(body);
  if (cond) {
    const requires = cond[1].split(',').map((a) =>
      a
        .trim()
        .replace(/\s*(?<!:):(?!:)\s*/, ': ')
        .replace(/\s*=\s*/, ' = '),
    );
    if (requires.some((a) => !a)) throw new Error(`${where}: empty requirement in \`${text}\``);
    return { status: 'conditional', requires, source };
  }
  throw new Error(`${where}: cannot read verdict \`${text}\` (yes, no, unknown or \`if T: Send, ...\`)`);
}

export function parseFixture(text: string, name: string): Fixture {
  const fixture: Fixture = { types: [], findings: [], checkFindings: true };
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `${name}:${i + 1}`;
    const directive = /^\s*\/\/!\s*(no-rustc|rustc-bootstrap|findings):\s*(.*)$/.exec(line);
    if (directive) {
      if (directive[1] === 'no-rustc') fixture.noRustc = directive[2].trim() || 'no reason given';
      else if (directive[1] === 'rustc-bootstrap') fixture.rustcBootstrap = directive[2].trim() || 'no reason given';
      else if (directive[2].trim().startsWith('unchecked')) fixture.checkFindings = false;
      else if (directive[2].trim().startsWith('only '))
        fixture.onlyCodes = directive[2].trim().slice(5).split(/\s+/).filter(Boolean);
      else throw new Error(`${where}: unknown findings directive \`${directive[2]}\``);
      return;
    }
    const verdict = /^\s*\/\/@\s*(.*)$/.exec(line);
    if (verdict) {
      const m = /^(\S+?):\s*Send\s+(.+?);\s*Sync\s+(.+?)\s*$/.exec(verdict[1]);
      if (!m) throw new Error(`${where}: expected \`//@ PATH: Send V; Sync V\`, got \`${line.trim()}\``);
      fixture.types.push({ path: m[1], send: parseVerdict(m[2], where), sync: parseVerdict(m[3], where), line: i + 1 });
      return;
    }
    const findings = /\/\/~\s*(.*)$/.exec(line);
    if (findings) {
      const codes = findings[1].trim().split(/\s+/).filter(Boolean);
      if (codes.length === 0) throw new Error(`${where}: \`//~\` with no finding codes`);
      for (const code of codes) fixture.findings.push({ line: i + 1, code });
    }
  });
  const paths = new Set<string>();
  for (const t of fixture.types) {
    if (paths.has(t.path)) throw new Error(`${name}: \`${t.path}\` is annotated twice`);
    paths.add(t.path);
  }
  return fixture;
}

/** `if T: Send, U: Sync (unsafe-impl)` style text, for messages. */
export function renderVerdict(v: { status: string; requires: readonly string[]; source: string }): string {
  const body = v.status === 'conditional' ? `if ${v.requires.join(', ')}` : v.status;
  return v.source === 'auto' ? body : `${body} (${v.source})`;
}
