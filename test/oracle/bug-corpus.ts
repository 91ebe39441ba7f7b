// The bug corpus (test/fixtures/bugs/*.rs): real Send/Sync variance bugs from RustSec advisories,
// each file a `mod buggy` with the impl as the crate had it and a `mod fixed` with the fix, plus
// correct generic impls from well-known crates. Every `unsafe impl` line carries a trailing marker:
// `//~ bug` (the rules should flag it) or `//~ ok` (they should not). This scores the
// `missing-bound` and `risky-field` rules on it: an impl is flagged when at least one finding of
// those codes starts on its line (or the impl's lines hold the finding). Recall = flagged `bug`
// impls / `bug` impls; precision = flagged `bug` impls / flagged marked impls.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { REPO_ROOT } from './rust-items';

export const BUG_CORPUS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'bugs');
export const BUG_CODES = ['missing-bound', 'risky-field'] as const;
type BugCode = (typeof BUG_CODES)[number];

export type Expected = 'bug' | 'ok';

export interface Finding {
  line: number;
  endLine: number;
  code: BugCode;
  message: string;
}

export interface MarkedImpl {
  /** File name inside the corpus folder. */
  file: string;
  /** 1-based line of the `unsafe impl` (the marker's line). */
  line: number;
  expected: Expected;
  /** The impl line without its marker, trimmed. */
  text: string;
  findings: Finding[];
}

export interface Tally {
  bug: number;
  ok: number;
  /** `bug` impls with at least one finding. */
  bugFlagged: number;
  /** `ok` impls with at least one finding (false alarms). */
  okFlagged: number;
  /** bugFlagged / bug (1 when there are no bugs). */
  recall: number;
  /** bugFlagged / (bugFlagged + okFlagged) (1 when nothing is flagged). */
  precision: number;
}

export interface FileScore extends Tally {
  file: string;
}

export interface BugCorpusScore {
  files: FileScore[];
  impls: MarkedImpl[];
  totals: Tally;
  /** The same figures counting one rule's findings only. */
  byCode: Record<BugCode, Tally>;
  /** Findings of the two codes on no marked impl (an impl without a marker). */
  unmarked: { file: string; finding: Finding }[];
}

const MARKER = /\/\/~\s*(bug|ok)\s*$/;

/** The corpus's fixture files, sorted. */
export function bugCorpusFiles(dir: string = BUG_CORPUS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rs'))
    .sort()
    .map((f) => join(dir, f));
}

/** The `//~ bug` / `//~ ok` markers of one fixture's source. */
export function readMarkers(file: string, source: string): MarkedImpl[] {
  const out: MarkedImpl[] = [];
  source.split(/\r?\n/).forEach((text, i) => {
    const m = MARKER.exec(text);
    if (m)
      out.push({ file, line: i + 1, expected: m[1] as Expected, text: text.replace(MARKER, '').trim(), findings: [] });
  });
  return out;
}

interface CliOutput {
  diagnostics: { file: string; line: number; endLine: number; code: string; message: string }[];
}

/** The CLI's findings of the two codes, keyed by absolute file path (`npm run build` first). */
function runCliOnFiles(files: string[]): Map<string, Finding[]> {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--no-group', ...files], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`the CLI failed on the bug corpus (exit ${r.status}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as CliOutput;
  const byFile = new Map<string, Finding[]>();
  for (const d of out.diagnostics) {
    if (!(BUG_CODES as readonly string[]).includes(d.code)) continue;
    const key = resolve(d.file);
    const list = byFile.get(key) ?? [];
    list.push({ line: d.line, endLine: d.endLine, code: d.code as BugCode, message: d.message });
    byFile.set(key, list);
  }
  return byFile;
}

function tally(impls: MarkedImpl[], flagged: (m: MarkedImpl) => boolean): Tally {
  const bug = impls.filter((m) => m.expected === 'bug').length;
  const ok = impls.length - bug;
  const bugFlagged = impls.filter((m) => m.expected === 'bug' && flagged(m)).length;
  const okFlagged = impls.filter((m) => m.expected === 'ok' && flagged(m)).length;
  return {
    bug,
    ok,
    bugFlagged,
    okFlagged,
    recall: bug ? bugFlagged / bug : 1,
    precision: bugFlagged + okFlagged ? bugFlagged / (bugFlagged + okFlagged) : 1,
  };
}

/** Runs the CLI on every corpus file and scores its `missing-bound` / `risky-field` findings. */
export function scoreBugCorpus(dir: string = BUG_CORPUS_DIR): BugCorpusScore {
  const files = bugCorpusFiles(dir);
  const findings = runCliOnFiles(files);
  const impls: MarkedImpl[] = [];
  const unmarked: BugCorpusScore['unmarked'] = [];
  const fileScores: FileScore[] = [];
  for (const path of files) {
    const name = basename(path);
    const marked = readMarkers(name, readFileSync(path, 'utf8'));
    for (const f of findings.get(resolve(path)) ?? []) {
      const m = marked.find((x) => x.line === f.line) ?? marked.find((x) => x.line >= f.line && x.line <= f.endLine);
      if (m) m.findings.push(f);
      else unmarked.push({ file: name, finding: f });
    }
    impls.push(...marked);
    fileScores.push({ file: name, ...tally(marked, (m) => m.findings.length > 0) });
  }
  const byCode = Object.fromEntries(
    BUG_CODES.map((c) => [c, tally(impls, (m) => m.findings.some((f) => f.code === c))]),
  ) as Record<BugCode, Tally>;
  return { files: fileScores, impls, totals: tally(impls, (m) => m.findings.length > 0), byCode, unmarked };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The score as markdown lines: per-file table, totals, per-rule figures, misses, false alarms. */
export function formatBugCorpus(score: BugCorpusScore): string[] {
  const md: string[] = ['## Bug corpus (test/fixtures/bugs)', ''];
  const t = score.totals;
  md.push(
    `An impl counts as flagged when it draws at least one \`missing-bound\` or \`risky-field\` finding.`,
    '',
    `**Recall ${pct(t.recall)}** (${t.bugFlagged}/${t.bug} buggy impls flagged), ` +
      `**precision ${pct(t.precision)}** (${t.bugFlagged} of ${t.bugFlagged + t.okFlagged} flagged impls are buggy; ` +
      `${t.okFlagged} of ${t.ok} correct impls flagged).`,
    '',
    '| rule alone | recall | precision | buggy flagged | correct flagged |',
    '|---|---|---|---|---|',
  );
  for (const c of BUG_CODES) {
    const x = score.byCode[c];
    md.push(`| ${c} | ${pct(x.recall)} | ${pct(x.precision)} | ${x.bugFlagged}/${x.bug} | ${x.okFlagged}/${x.ok} |`);
  }
  md.push('', '| file | buggy | flagged | correct | false alarms |', '|---|---|---|---|---|');
  for (const f of score.files) md.push(`| ${f.file} | ${f.bug} | ${f.bugFlagged} | ${f.ok} | ${f.okFlagged} |`);
  md.push(`| **total** | ${t.bug} | ${t.bugFlagged} | ${t.ok} | ${t.okFlagged} |`, '');
  const misses = score.impls.filter((m) => m.expected === 'bug' && m.findings.length === 0);
  md.push(`### Misses (${misses.length})`, '');
  for (const m of misses) md.push(`- \`${m.file}:${m.line}\` \`${m.text}\``);
  const alarms = score.impls.filter((m) => m.expected === 'ok' && m.findings.length > 0);
  md.push('', `### False alarms (${alarms.length})`, '');
  for (const m of alarms) {
    md.push(`- \`${m.file}:${m.line}\` \`${m.text}\``);
    for (const f of m.findings) md.push(`  - ${f.code}: ${f.message}`);
  }
  if (score.unmarked.length) {
    md.push('', `### Findings on impls without a marker (${score.unmarked.length})`, '');
    for (const u of score.unmarked)
      md.push(`- \`${u.file}:${u.finding.line}\` ${u.finding.code}: ${u.finding.message}`);
  }
  md.push('');
  return md;
}
