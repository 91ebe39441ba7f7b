// Per-crate speed for `npm run compare:clippy`: `node dist/cli.js check CRATE`, as a user runs it,
// against a warm `cargo clippy` re-lint of the same crate, as a user re-runs it after an edit:
// the crate's copy (see copyCrate) checked once untimed, so its dependencies are built and
// cached, then each timed run touches the crate's own `.rs` files first, so clippy checks and
// lints the crate again (and nothing else). clippy runs with its default lints and the crate's
// default features, as this tool does. The two alternate, round after round, so both see the same
// load; each figure is the median of the rounds' wall times.
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
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
  /** Why clippy has no figure. */
  clippyError?: string;
}

function wallMs(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env, stdio: 'ignore' });
  const ms = performance.now() - started;
  // `check` exits 1 on findings and 2 when a file was skipped; neither spoils a timing.
  if (r.status === null || r.status > 2) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status})`);
  return ms;
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
  const relint = (): number => {
    const now = new Date();
    for (const file of ownFiles) utimesSync(file, now, now);
    return wallMs('cargo', clippyArgs, copy, CARGO_ENV);
  };
  wallMs(process.execPath, cli, REPO_ROOT);
  const cliMs: number[] = [];
  const clippyMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    cliMs.push(wallMs(process.execPath, cli, REPO_ROOT));
    if (clippyError === undefined) clippyMs.push(relint());
  }
  return {
    name,
    cliMs: median(cliMs),
    clippyMs: clippyError === undefined ? median(clippyMs) : undefined,
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

/** Speed-ups over the crates clippy built (clippy's time / this tool's). */
export function summarizeSpeed(rows: readonly CrateSpeed[]): SpeedSummary | undefined {
  const both = rows.filter((r): r is CrateSpeed & { clippyMs: number } => r.clippyMs !== undefined);
  if (both.length === 0) return undefined;
  const speedups = both.map((r) => r.clippyMs / r.cliMs);
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    crates: both.length,
    cliMeanMs: mean(both.map((r) => r.cliMs)),
    clippyMeanMs: mean(both.map((r) => r.clippyMs)),
    medianSpeedup: median(speedups),
    geomeanSpeedup: Math.exp(mean(speedups.map(Math.log))),
  };
}

/** The speed table's lines: one row per crate, then the summary. */
export function renderSpeed(rows: readonly CrateSpeed[], runs: number, load: string): string[] {
  const width = Math.max(...rows.map((r) => r.name.length), 5);
  const s = (ms: number): string => (ms / 1000).toFixed(2).padStart(9);
  const lines = [
    `== speed per crate (wall, median of ${runs}; load average before: ${load}): \`check CRATE\` vs a warm \`cargo clippy\` re-lint`,
    `   ${'crate'.padEnd(width)}  ${'check s'.padStart(9)}  ${'clippy s'.padStart(9)}  ${'speed-up'.padStart(8)}`,
  ];
  for (const r of rows) {
    const clippy = r.clippyMs === undefined ? `${'n/a'.padStart(9)}  (clippy: ${r.clippyError})` : s(r.clippyMs);
    const speedup = r.clippyMs === undefined ? '' : `  ${`${(r.clippyMs / r.cliMs).toFixed(2)}x`.padStart(8)}`;
    lines.push(`   ${r.name.padEnd(width)}  ${s(r.cliMs)}  ${clippy}${speedup}`);
  }
  const sum = summarizeSpeed(rows);
  if (sum === undefined) lines.push('   no crate built with clippy: no speed-up to report');
  else
    lines.push(
      `   over ${sum.crates} crates: mean ${(sum.cliMeanMs / 1000).toFixed(2)} s vs ${(sum.clippyMeanMs / 1000).toFixed(2)} s a crate; ` +
        `speed-up median ${sum.medianSpeedup.toFixed(2)}x, geometric mean ${sum.geomeanSpeedup.toFixed(2)}x`,
    );
  return lines;
}
