// Per-crate speed for `npm run compare:clippy`: `node dist/cli.js check CRATE`, as a user runs it,
// against a warm `cargo clippy` re-lint of the same crate, as a user re-runs it after an edit:
// the crate's copy (see copyCrate) checked once untimed, so its dependencies are built and
// cached, then each timed run touches the crate's own `.rs` files first, so clippy checks and
// lints the crate again (and nothing else). clippy runs with its default lints and the crate's
// default features, as this tool does. The two alternate, round after round, so both see the same
// load; each figure is the median of the rounds' wall times, and, where Linux says it, of their
// CPU times (user + system, the process and all it waited for): on a loaded machine the wall
// time is mostly waiting for a core, the CPU time is not.
import { spawnSync } from 'node:child_process';
import { readFileSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { median } from '../../bench/stats';
import { listRustFiles } from '../corpus';
import { CARGO_ENV, copyCrate } from './clippy-run';
import { REPO_ROOT } from './rust-items';

export interface CrateSpeed {
  name: string;
  /** Median wall time of `check`, in ms. */
  cliMs: number;
  /** Median wall time of the warm re-lint, in ms; undefined when clippy cannot build the crate. */
  clippyMs: number | undefined;
  /** Median CPU times, in ms, where the system tells them. */
  cliCpuMs?: number;
  clippyCpuMs?: number;
  /** Why clippy has no figure. */
  clippyError?: string;
}

/**
 * CPU time (ms) of the child processes this one has waited for: `cutime` + `cstime` of
 * /proc/self/stat (fields 16 and 17, in Linux's fixed 100 ticks a second); undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 on
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

interface Timing {
  wall: number;
  cpu: number | undefined;
}

function timed(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Timing {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env, stdio: 'ignore' });
  const wall = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  // `check` exits 1 on findings and 2 when a file was skipped; neither spoils a timing.
  if (r.status === null || r.status > 2) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status})`);
  return { wall, cpu: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined };
}

/** The median wall and CPU times of `timings`. */
function medians(timings: readonly Timing[]): { wall: number; cpu: number | undefined } {
  const cpu = timings.map((t) => t.cpu);
  return {
    wall: median(timings.map((t) => t.wall)),
    cpu: cpu.every((c) => c !== undefined) ? median(cpu) : undefined,
  };
}

/** `runs` rounds of `check` and a warm clippy re-lint on `crateDir`, after one untimed round. */
export function timeCrate(crateDir: string, runs: number, registry?: string): CrateSpeed {
  const name = basename(crateDir);
  const cli = [join(REPO_ROOT, 'dist', 'cli.js'), 'check', crateDir];
  const copy = copyCrate(crateDir, registry);
  const clippyArgs = ['clippy', '--offline', '--quiet'];
  const warm = spawnSync('cargo', clippyArgs, { cwd: copy, env: CARGO_ENV, encoding: 'utf8', maxBuffer: 256 << 20 });
  const clippyError =
    warm.status === 0 ? undefined : (warm.stderr ?? '').trim().split('\n').slice(-3).join(' / ') || 'failed';
  const ownFiles = listRustFiles(copy);
  const relint = (): Timing => {
    const now = new Date();
    for (const file of ownFiles) utimesSync(file, now, now);
    return timed('cargo', clippyArgs, copy, CARGO_ENV);
  };
  timed(process.execPath, cli, REPO_ROOT);
  const cliRuns: Timing[] = [];
  const clippyRuns: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    cliRuns.push(timed(process.execPath, cli, REPO_ROOT));
    if (clippyError === undefined) clippyRuns.push(relint());
  }
  const ours = medians(cliRuns);
  const clippy = clippyError === undefined ? medians(clippyRuns) : undefined;
  return {
    name,
    cliMs: ours.wall,
    clippyMs: clippy?.wall,
    ...(ours.cpu !== undefined ? { cliCpuMs: ours.cpu } : {}),
    ...(clippy?.cpu !== undefined ? { clippyCpuMs: clippy.cpu } : {}),
    clippyError,
  };
}

export interface SpeedSummary {
  /** Crates with both figures. */
  crates: number;
  /** Mean time per crate, in ms. */
  cliMeanMs: number;
  clippyMeanMs: number;
  /** How many times faster than clippy this tool is: the median and geometric mean over crates. */
  medianSpeedup: number;
  geomeanSpeedup: number;
}

type Measure = 'wall' | 'cpu';

/** This tool's and clippy's time of a crate in `measure`, when both are known. */
function pair(r: CrateSpeed, measure: Measure): [number, number] | undefined {
  const [ours, clippy] = measure === 'wall' ? [r.cliMs, r.clippyMs] : [r.cliCpuMs, r.clippyCpuMs];
  return ours !== undefined && clippy !== undefined ? [ours, clippy] : undefined;
}

/** Speed-ups (clippy's time / this tool's) over the crates with both times in `measure`. */
export function summarizeSpeed(rows: readonly CrateSpeed[], measure: Measure = 'wall'): SpeedSummary | undefined {
  const pairs = rows.map((r) => pair(r, measure)).filter((p) => p !== undefined);
  if (pairs.length === 0) return undefined;
  const speedups = pairs.map(([ours, clippy]) => clippy / ours);
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    crates: pairs.length,
    cliMeanMs: mean(pairs.map(([ours]) => ours)),
    clippyMeanMs: mean(pairs.map(([, clippy]) => clippy)),
    medianSpeedup: median(speedups),
    geomeanSpeedup: Math.exp(mean(speedups.map(Math.log))),
  };
}

/** The speed table's lines: one row per crate (wall, then CPU), then the summaries. */
export function renderSpeed(rows: readonly CrateSpeed[], runs: number, load: string): string[] {
  const width = Math.max(...rows.map((r) => r.name.length), 5);
  const cells = (r: CrateSpeed, measure: Measure): string => {
    const both = pair(r, measure);
    const ours = measure === 'wall' ? r.cliMs : r.cliCpuMs;
    const s = (ms: number | undefined): string => (ms === undefined ? 'n/a' : (ms / 1000).toFixed(2)).padStart(11);
    const speedup = both === undefined ? '' : `${(both[1] / both[0]).toFixed(2)}x`;
    return `${s(ours)}${s(both?.[1])}${speedup.padStart(11)}`;
  };
  const lines = [
    `== speed per crate (seconds, median of ${runs}; load average before: ${load}): \`check CRATE\` vs a warm \`cargo clippy\` re-lint`,
    `   ${'crate'.padEnd(width)}${['check s', 'clippy s', 'speed-up', 'check CPU', 'clippy CPU', 'speed-up'].map((h) => h.padStart(11)).join('')}`,
  ];
  for (const r of rows) {
    const why = r.clippyError === undefined ? '' : `  (clippy: ${r.clippyError})`;
    lines.push(`   ${r.name.padEnd(width)}${cells(r, 'wall')}${cells(r, 'cpu')}${why}`);
  }
  for (const measure of ['wall', 'cpu'] as const) {
    const sum = summarizeSpeed(rows, measure);
    if (sum === undefined) continue;
    lines.push(
      `   ${measure === 'wall' ? 'wall' : 'CPU '} over ${sum.crates} crates: mean ${(sum.cliMeanMs / 1000).toFixed(2)} s vs ${(sum.clippyMeanMs / 1000).toFixed(2)} s a crate; ` +
        `speed-up median ${sum.medianSpeedup.toFixed(2)}x, geometric mean ${sum.geomeanSpeedup.toFixed(2)}x`,
    );
  }
  if (summarizeSpeed(rows) === undefined) lines.push('   no crate built with clippy: no speed-up to report');
  return lines;
}
