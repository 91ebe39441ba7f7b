// The two checks a fixture file gets: the engine's output against the file's markers (every type
// annotated, every finding listed), and the markers against rustc (the compiler decides whether the
// expectations are true). Each returns a list of problems; empty means the check passes.
import type { FileAnalysis } from '../../server/src/engine';
import type { TraitVerdict, TypeReport } from '../../server/src/model/report';
import { verdictFields } from '../../server/src/present/verdict-text';
import { parseFixture, renderVerdict, type Fixture, type FixtureVerdict } from './fixture-format';
import { instantiationsFor, planQuestions, predict, type PlannedQuestion } from './instantiate';
import { readRustItems } from './rust-items';
import { askRustc, type OracleOptions } from './rustc-oracle';

export { parseFixture };

function normalizeAtom(a: string): string {
  return a
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\s*(?<!:):(?!:)\s*/, ': ')
    .replace(/\s*=\s*/, ' = ');
}

function sameVerdict(verdict: TraitVerdict, expected: FixtureVerdict): boolean {
  const actual = verdictFields(verdict);
  if (actual.status !== expected.status || actual.source !== expected.source) return false;
  const a = [...new Set(actual.requires.map(normalizeAtom))].sort();
  const e = [...new Set(expected.requires.map(normalizeAtom))].sort();
  return a.length === e.length && a.every((x, i) => x === e[i]) && actual.requires.length === a.length;
}

const show = (v: TraitVerdict) => renderVerdict(verdictFields(v));

/** Compares the engine's analysis of a fixture with its markers. */
export function compareWithEngine(fixture: Fixture, analysis: FileAnalysis): string[] {
  const problems: string[] = [];
  // One path may be declared more than once under exclusive `#[cfg]`s: each declaration is a
  // report, and each must match the path's marker. The same declaration twice is a bug.
  const reported = new Map<string, TypeReport[]>();
  for (const t of analysis.types) {
    const same = reported.get(t.path) ?? [];
    if (same.some((o) => o.nameRange.start.line === t.nameRange.start.line))
      problems.push(`engine reports \`${t.path}\` twice`);
    reported.set(t.path, [...same, t]);
  }
  const annotated = new Set(fixture.types.map((t) => t.path));
  for (const t of analysis.types) {
    if (!annotated.has(t.path)) {
      problems.push(
        `engine reports \`${t.path}\` (line ${t.nameRange.start.line + 1}: Send ${show(t.send)}; Sync ${show(t.sync)}) but no \`//@ ${t.path}: ...\` marker expects it`,
      );
    }
  }
  for (const e of fixture.types) {
    const all = reported.get(e.path);
    if (!all) {
      problems.push(`line ${e.line}: \`${e.path}\` is expected but the engine does not report it`);
      continue;
    }
    for (const t of all)
      for (const trait of ['send', 'sync'] as const) {
        if (!sameVerdict(t[trait], e[trait])) {
          const name = trait === 'send' ? 'Send' : 'Sync';
          const reasons = verdictFields(t[trait]).reasons;
          const why = reasons.length ? ` (reasons: ${reasons.join(' | ')})` : '';
          problems.push(
            `line ${e.line}: \`${e.path}\` ${name}: expected ${renderVerdict(e[trait])}, engine says ${show(t[trait])}${why}`,
          );
        }
      }
  }
  if (fixture.checkFindings) {
    const key = (line: number, code: string) => `line ${line}: ${code}`;
    const expected = fixture.findings.map((f) => key(f.line, f.code)).sort();
    const compared = analysis.findings.filter((f) => !fixture.onlyCodes || fixture.onlyCodes.includes(f.code));
    const actual = compared.map((f) => key(f.range.start.line + 1, f.code)).sort();
    const missing = [...expected];
    const extra: string[] = [];
    for (const a of actual) {
      const i = missing.indexOf(a);
      if (i >= 0) missing.splice(i, 1);
      else extra.push(a);
    }
    for (const m of missing) problems.push(`finding expected but not reported: ${m}`);
    for (const x of extra) {
      const f = compared.find((g) => key(g.range.start.line + 1, g.code) === x);
      problems.push(`finding reported but not expected: ${x} (${f?.message ?? ''})`);
    }
  }
  return problems;
}

export interface RustcCheck {
  problems: string[];
  /** Things not checked, and why. */
  notes: string[];
  questions: number;
  rustcMs: number;
}

/** Asks rustc, in one program, every question the fixture's verdicts make a prediction for. */
export async function compareWithRustc(
  fixture: Fixture,
  source: string,
  options: OracleOptions = {},
): Promise<RustcCheck> {
  const problems: string[] = [];
  const notes: string[] = [];
  if (fixture.noRustc)
    return { problems, notes: [`not checked by rustc: ${fixture.noRustc}`], questions: 0, rustcMs: 0 };
  const items = await readRustItems(source);
  const planned: { path: string; line: number; q: PlannedQuestion; expected: boolean; verdict: FixtureVerdict }[] = [];
  const baseline = new Set<number>();
  for (const t of fixture.types) {
    let decls = items.types.filter((d) => d.path === t.path);
    // A type a macro declares from an identifier (`struct $name;`, `EnumName: $name;`): no
    // declaration to read, but a data-less type at the crate root, without parameters, can be
    // asked about all the same.
    if (
      decls.length === 0 &&
      /^\w+$/.test(t.path) &&
      new RegExp(`^\\s*${t.path}\\b|\\benum\\s+${t.path}\\b|^\\s*\\w+\\s*:\\s*${t.path}\\s*;`, 'm').test(source)
    )
      decls = [{ name: t.path, path: t.path, module: '', kind: 'struct', params: [], inFunction: false, line: t.line }];
    if (decls.length === 0) {
      problems.push(`line ${t.line}: no struct, enum or union declares \`${t.path}\``);
      continue;
    }
    const decl = decls.find((d) => !d.inFunction) ?? decls[0];
    if (decl.inFunction) {
      notes.push(`\`${t.path}\` is declared in a function body, which no other code can name: not asked`);
      continue;
    }
    if (t.send.status === 'unknown' && t.sync.status === 'unknown') continue;
    const insts = instantiationsFor(decl, [t.send, t.sync]);
    for (const q of planQuestions(decl, insts)) {
      const verdict = q.trait === 'Send' ? t.send : t.sync;
      const expected = predict(verdict, q.inst);
      if (expected === undefined) continue;
      if (q.inst === insts[0]) baseline.add(planned.length);
      planned.push({ path: t.path, line: t.line, q, expected, verdict });
    }
  }
  // Even with no question the program is compiled: it must be valid Rust.
  const result = await askRustc(
    source,
    planned.map((p) => p.q.question),
    { ...options, unstable: Boolean(fixture.rustcBootstrap) },
  );
  if (fixture.rustcBootstrap) notes.push(`rustc ran with RUSTC_BOOTSTRAP=1: ${fixture.rustcBootstrap}`);
  planned.forEach((p, i) => {
    const answer = result.answers[i];
    if (answer === null) {
      if (baseline.has(i)) {
        problems.push(
          `line ${p.line}: rustc rejects \`${p.q.question.typeExpr}\` (${result.rejections.get(i)}): nothing about \`${p.path}\` can be checked`,
        );
      }
      return;
    }
    if (answer !== p.expected) {
      problems.push(
        `line ${p.line}: \`${p.path}\` ${p.q.trait} ${renderVerdict(p.verdict)} predicts ${p.expected ? 'yes' : 'no'} for \`${p.q.question.typeExpr}\` (${p.q.inst.label}), rustc says ${answer ? 'yes' : 'no'}`,
      );
    }
  });
  return { problems, notes, questions: planned.length, rustcMs: result.rustcMs };
}
