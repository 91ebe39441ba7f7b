// `npm run compare:clippy -- [--refresh] [--registry DIR] [--runs N | --no-speed | --speed-only]
// CRATE_DIR...` (or the crate folders in RUST_SEND_SYNC_CORPUS): on each crate, clippy's
// `undocumented_unsafe_blocks` against this tool's `missing-safety-comment`, over every
// `unsafe impl Send/Sync` written in the crate. Each impl is
// - "both", "only clippy", "only us" or "neither" when clippy compiled it (in some feature set);
// - "not compiled" when no build clippy ran saw it (cfg'd out for this target or feature sets,
//   test-only code, an unused macro arm): clippy's silence there says nothing.
// Every disagreement is listed with the source lines above the impl. The report is also written to
// test-results/clippy-comparison.txt. Exit 1 when there is a disagreement. Then the speed of each
// crate's check against a warm clippy re-lint, N rounds (default 3; see clippy-speed.ts); with
// --speed-only, only that, written to test-results/clippy-speed.txt.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { headerTrait, writtenImpls } from './clippy-impls';
import { CACHE_DIR, runClippy } from './clippy-run';
import { corpusCrates, runCli } from './clippy-corpus';
import { renderSpeed, timeCrate, type CrateSpeed } from './clippy-speed';
import { REPO_ROOT } from './rust-items';

const USAGE =
  'Usage: npm run compare:clippy -- [--refresh] [--registry DIR] [--runs N | --no-speed | --speed-only] CRATE_DIR...';

type Verdict = 'both' | 'only clippy' | 'only us' | 'neither' | 'not compiled';

interface ImplRow {
  file: string;
  line: number;
  trait: string;
  verdict: Verdict;
  weFlag: boolean;
  inMacroDefinition: boolean;
  note?: string;
}

const out: string[] = [];
const say = (s = '') => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};

function sourceAbove(crateDir: string, file: string, line: number, count = 7): string[] {
  let lines: string[];
  try {
    lines = readFileSync(join(crateDir, file), 'utf8').split(/\r?\n/);
  } catch {
    return ['      (source not readable)'];
  }
  const from = Math.max(1, line - count);
  const shown: string[] = [];
  for (let n = from; n <= Math.min(line, lines.length); n++) {
    shown.push(`${String(n).padStart(6)}${n === line ? ' >' : ' |'} ${lines[n - 1]}`);
  }
  return shown;
}

async function compareCrate(crateDir: string, registry: string | undefined, refresh: boolean): Promise<ImplRow[]> {
  const runs = runClippy(crateDir, { registry, refresh, log: (l) => process.stderr.write(`${l}\n`) });
  const built = runs.filter((r) => r.ok);
  const key = (file: string, line: number) => `${file}:${line}`;
  const compiled = new Set<string>();
  const clippyFlags = new Map<string, string>(); // key -> trait
  for (const r of built) {
    for (const h of r.hits) {
      if (h.lint === 'unsafe_code') compiled.add(key(h.file, h.line));
      else {
        const trait = headerTrait(h.text);
        if (trait) {
          clippyFlags.set(key(h.file, h.line), trait);
          compiled.add(key(h.file, h.line));
        }
      }
    }
  }
  const ours = new Set(
    runCli(crateDir)
      .filter((d) => d.code === 'missing-safety-comment')
      .map((d) => key(d.file, d.line)),
  );
  const written = await writtenImpls(crateDir);
  const rows = new Map<string, ImplRow>();
  for (const w of written) {
    rows.set(key(w.file, w.line), {
      file: w.file,
      line: w.line,
      trait: w.trait,
      verdict: 'neither',
      weFlag: false,
      inMacroDefinition: w.inMacroDefinition,
    });
  }
  // Anything flagged on either side that the scan missed still gets a row.
  for (const [k, trait] of clippyFlags) {
    if (!rows.has(k)) {
      const [file, line] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
      rows.set(k, {
        file,
        line,
        trait,
        verdict: 'neither',
        weFlag: false,
        inMacroDefinition: false,
        note: 'not found by the source scan',
      });
    }
  }
  for (const k of ours) {
    if (!rows.has(k)) {
      const [file, line] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
      rows.set(k, {
        file,
        line,
        trait: '?',
        verdict: 'neither',
        weFlag: false,
        inMacroDefinition: false,
        note: 'our finding is not on a scanned `unsafe impl Send/Sync` line',
      });
    }
  }
  for (const [k, row] of rows) {
    const c = clippyFlags.has(k);
    const u = ours.has(k);
    row.weFlag = u;
    if (!compiled.has(k)) row.verdict = 'not compiled';
    else row.verdict = c && u ? 'both' : c ? 'only clippy' : u ? 'only us' : 'neither';
  }

  const name = basename(crateDir);
  say(`== ${name}`);
  for (const r of runs) {
    say(
      `   clippy ${r.featureSet}: ${r.ok ? 'built' : 'FAILED'}${
        r.ok
          ? ''
          : `\n${(r.error ?? '')
              .split('\n')
              .map((l) => `      ${l}`)
              .join('\n')}`
      }`,
    );
  }
  if (built.length === 0) say('   no feature set built: every impl counts as not compiled');
  const sorted = [...rows.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  for (const r of sorted.filter((x) => x.verdict === 'only clippy' || x.verdict === 'only us')) {
    const where = r.inMacroDefinition ? ' (in a macro_rules! body)' : '';
    say(
      `   ${r.verdict.toUpperCase()}: ${name}/${r.file}:${r.line} unsafe impl ${r.trait}${where}${r.note ? ` [${r.note}]` : ''}`,
    );
    for (const l of sourceAbove(crateDir, r.file, r.line)) say(`   ${l}`);
  }
  for (const r of sorted.filter((x) => x.note && x.verdict !== 'only clippy' && x.verdict !== 'only us')) {
    say(`   NOTE: ${name}/${r.file}:${r.line} (${r.verdict}): ${r.note}`);
  }
  const nc = sorted.filter((x) => x.verdict === 'not compiled');
  if (nc.length) {
    say(
      `   not compiled (${nc.length}; * = we flag it): ${nc.map((x) => `${x.file}:${x.line}${x.weFlag ? '*' : ''}`).join(', ')}`,
    );
  }
  say(`   ${counts(sorted)}`);
  return sorted;
}

const VERDICTS: Verdict[] = ['both', 'only clippy', 'only us', 'neither', 'not compiled'];

function counts(rows: ImplRow[]): string {
  const n = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  const nc = rows.filter((r) => r.verdict === 'not compiled');
  return `${rows.length} unsafe impl Send/Sync: ${VERDICTS.map((v) => `${v} ${n(v)}`).join(', ')} (of the not compiled, we flag ${nc.filter((r) => r.weFlag).length})`;
}

/** Compares every crate and prints the counts; returns the number of disagreements. */
async function compareAll(crates: string[], registry: string | undefined, refresh: boolean): Promise<number> {
  const all: { name: string; rows: ImplRow[] }[] = [];
  for (const c of crates) all.push({ name: basename(c), rows: await compareCrate(c, registry, refresh) });
  say();
  say('== counts (both / only clippy / only us / neither are over impls clippy compiled)');
  const width = Math.max(...all.map((a) => a.name.length), 5);
  say(`   ${'crate'.padEnd(width)}  impls  ${VERDICTS.map((v) => v.padStart(13)).join('')}  we flag (not compiled)`);
  const line = (name: string, rows: ImplRow[]) =>
    say(
      `   ${name.padEnd(width)}  ${String(rows.length).padStart(5)}  ${VERDICTS.map((v) => String(rows.filter((r) => r.verdict === v).length).padStart(13)).join('')}  ${String(rows.filter((r) => r.verdict === 'not compiled' && r.weFlag).length).padStart(22)}`,
    );
  for (const a of all) line(a.name, a.rows);
  const total = all.flatMap((a) => a.rows);
  line('total', total);
  const disagreements = total.filter((r) => r.verdict === 'only clippy' || r.verdict === 'only us').length;
  say(`   disagreements: ${disagreements}`);
  return disagreements;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const valueOf = (flag: string): string | undefined =>
    args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;
  const registry = valueOf('--registry');
  const runs = Number(valueOf('--runs') ?? 3);
  const speedOnly = args.includes('--speed-only');
  const values = new Set(['--registry', '--runs'].map((f) => args.indexOf(f) + 1).filter((i) => i > 0));
  const crates = corpusCrates(
    args.filter((_, i) => !values.has(i)),
    USAGE,
  );
  const disagreements = speedOnly ? 0 : await compareAll(crates, registry, args.includes('--refresh'));
  if (!args.includes('--no-speed') && runs > 0) {
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    const rows: CrateSpeed[] = [];
    for (const c of crates) {
      process.stderr.write(`  timing ${basename(c)}\n`);
      rows.push(timeCrate(c, runs, registry));
    }
    say();
    for (const l of renderSpeed(rows, runs, load)) say(l);
  }
  const report = join('test-results', speedOnly ? 'clippy-speed.txt' : 'clippy-comparison.txt');
  mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, report), `${out.join('\n')}\n`);
  process.stderr.write(
    `report written to ${report}${speedOnly ? '' : `; clippy output cached in ${CACHE_DIR.slice(REPO_ROOT.length + 1)}/`}\n`,
  );
  process.exitCode = disagreements ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(2);
});
