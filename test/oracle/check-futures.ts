// The checks of a futures fixture (test/fixtures/futures/*.rs): the engine's verdict for every
// future against the file's markers, and the markers against rustc, which compiles the file and
// says at which `require_send(...)`/`spawn(...)` calls a future or value "cannot be sent between
// threads safely". Markers, trailing on a line:
//   //@ future: Send no         the future whose fn name or `async` keyword is on this line
//                               (`yes`, `no`, `unknown`, `if T: Send`)
//   //~ future-not-send         a finding of that code expected to start on this line (exact set
//                               for future-not-send, value-not-send and arc-not-sync, on lines other than the
//                               `require_send(...)` probes, which are Send-bounded calls too)
//   //? send | not-send         what rustc must say of the `Send`-requiring call on this line (any
//                               call: `pool.execute(fut)`; a `require_send`/`spawn` call line
//                               without one takes its expectation as below)
// A call line without `//?` takes its expectation from the future it names (`require_send(f(..))`
// with `f` an `async fn` marked yes/no), from a future marker on the same line, or from a finding
// marker there (not-send).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileAnalysis } from '../../server/src/engine';
import { renderAtom } from '../../server/src/model/conditions';
import type { FutureReport } from '../../server/src/model/report';

const FUTURE_CODES = ['future-not-send', 'value-not-send', 'arc-not-sync'];

export interface FuturesFixture {
  /** 1-based line -> expected verdict text. */
  futures: Map<number, string>;
  findings: { line: number; code: string }[];
  /** 1-based line of a `Send`-requiring call -> whether rustc must accept it. */
  calls: Map<number, boolean>;
  problems: string[];
}

export function verdictText(f: FutureReport): string {
  return f.send.status === 'conditional' ? `if ${f.send.requires.map(renderAtom).join(', ')}` : f.send.status;
}

export function parseFuturesFixture(source: string): FuturesFixture {
  const lines = source.split('\n');
  const futures = new Map<number, string>();
  const findings: { line: number; code: string }[] = [];
  const calls = new Map<number, boolean>();
  const problems: string[] = [];
  const fnLines = new Map<string, number>();
  lines.forEach((text, i) => {
    const n = i + 1;
    const future = /\/\/@ future: Send (yes|no|unknown|if [^/]+?)\s*(?:\/\/|$)/.exec(text);
    if (future) futures.set(n, future[1].trim());
    const found = /\/\/~ ([\w -]+?)\s*(?:\/\/|$)/.exec(text);
    if (found) for (const code of found[1].split(/\s+/)) findings.push({ line: n, code });
    const fnName = /\basync fn (\w+)/.exec(text);
    if (fnName) fnLines.set(fnName[1], n);
  });
  lines.forEach((text, i) => {
    const n = i + 1;
    const explicit = /\/\/\? (send|not-send)\b/.exec(text);
    if (explicit) return void calls.set(n, explicit[1] === 'send');
    if (!/\b(require_send|spawn)\(/.test(text) || /^\s*(pub )?fn (require_send|spawn)\b/.test(text)) return;
    const own = futures.get(n);
    const named = /\b(?:require_send|spawn)\((\w+)\(/.exec(text);
    const fromFn = named ? futures.get(fnLines.get(named[1]) ?? -1) : undefined;
    const verdict = own ?? fromFn;
    if (findings.some((f) => f.line === n)) calls.set(n, false);
    else if (verdict === 'yes' || verdict === 'no') calls.set(n, verdict === 'yes');
    else if (text.includes('std::thread::spawn')) calls.set(n, true);
    else
      problems.push(
        `line ${n}: a \`Send\`-requiring call without an expectation (add \`//? send\` or \`//? not-send\`)`,
      );
  });
  return { futures, findings, calls, problems };
}

export function compareFuturesWithEngine(fixture: FuturesFixture, analysis: FileAnalysis, source: string): string[] {
  const lines = source.split('\n');
  const problems: string[] = [];
  const byLine = new Map<number, FutureReport[]>();
  for (const f of analysis.futures ?? []) {
    const n = f.nameRange.start.line + 1;
    byLine.set(n, [...(byLine.get(n) ?? []), f]);
  }
  for (const [n, list] of byLine) {
    const expected = fixture.futures.get(n);
    if (list.length > 1) problems.push(`line ${n}: ${list.length} futures on one line; a marker names one`);
    const f = list[0];
    if (expected === undefined)
      problems.push(
        `line ${n}: engine reports ${f.kind} \`${f.name}\` (Send ${verdictText(f)}) but no marker expects it`,
      );
    else if (verdictText(f) !== expected)
      problems.push(
        `line ${n}: ${f.kind} \`${f.name}\`: expected Send ${expected}, engine says ${verdictText(f)} (${f.send.reasons.join(' | ')})`,
      );
  }
  for (const n of fixture.futures.keys())
    if (!byLine.has(n)) problems.push(`line ${n}: a future is expected but the engine reports none`);
  const key = (line: number, code: string) => `line ${line}: ${code}`;
  const expected = fixture.findings.map((f) => key(f.line, f.code)).sort();
  const actual = analysis.findings
    .filter((f) => FUTURE_CODES.includes(f.code) && !/\brequire_send\(/.test(lines[f.range.start.line] ?? ''))
    .map((f) => key(f.range.start.line + 1, f.code))
    .sort();
  for (const e of expected) if (!actual.includes(e)) problems.push(`finding expected but not reported: ${e}`);
  for (const a of actual) if (!expected.includes(a)) problems.push(`finding reported but not expected: ${a}`);
  return problems;
}

interface RustcDiagnostic {
  level: string;
  message: string;
  spans: { file_name: string; line_start: number; is_primary: boolean }[];
}

/** Compiles the fixture as a library; the lines where rustc says something cannot be sent, and other errors. */
export async function rustcSendErrors(source: string): Promise<{ lines: Set<number>; otherErrors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rss-futures-'));
  try {
    const file = join(dir, 'fixture.rs');
    writeFileSync(file, source);
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        'rustc',
        [
          '--edition',
          '2021',
          '--crate-type',
          'lib',
          '--emit=metadata',
          '--error-format=json',
          '-A',
          'warnings',
          '-o',
          join(dir, 'out.rmeta'),
          file,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
        (_error, _stdout, err) => resolve(err),
      );
    });
    const lines = new Set<number>();
    const otherErrors: string[] = [];
    for (const raw of stderr.split('\n')) {
      if (!raw.startsWith('{')) continue;
      const d = JSON.parse(raw) as RustcDiagnostic;
      if (d.level !== 'error' || d.message.startsWith('aborting')) continue;
      const primary = d.spans.find((s) => s.is_primary && s.file_name === file);
      if (/cannot be (sent|shared) between threads safely/.test(d.message) && primary) lines.add(primary.line_start);
      else otherErrors.push(`${d.message} (line ${primary?.line_start ?? '?'})`);
    }
    return { lines, otherErrors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function compareFuturesWithRustc(fixture: FuturesFixture, source: string): Promise<string[]> {
  const problems = [...fixture.problems];
  const { lines, otherErrors } = await rustcSendErrors(source);
  for (const e of otherErrors) problems.push(`rustc: ${e}`);
  for (const [n, send] of fixture.calls) {
    if (send === !lines.has(n)) continue;
    problems.push(
      `line ${n}: expected ${send ? 'Send' : 'not Send'}, rustc says ${lines.has(n) ? 'not Send' : 'Send'}`,
    );
  }
  for (const n of lines)
    if (!fixture.calls.has(n))
      problems.push(`line ${n}: rustc says something is not Send, and no call expectation covers it`);
  return problems;
}
