// The CLI against its floor: `node dist/cli.js check` on a folder versus `node bench/floor.cjs`
// (read + parse the same files with the same parser, nothing else), run alternately in the same
// kind of process, several times; medians of wall time, peak RSS of each, and their ratio. The
// CLI runs twice per round, with `--jobs 1` (all on the main thread) and `--jobs N` (N worker
// threads), so the scaling is measured within the same rounds as the floor. CPU times (all
// threads) are kept beside the wall times: on a machine others load, the CPU ratio of `--jobs 1`
// to the floor moves much less than the wall one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats';

const ROOT = join(__dirname, '..');

export interface CliFigures {
  label: string;
  files: number;
  bytes: number;
  runs: number;
  cliMs: number;
  floorMs: number;
  ratio: number;
  cliMaxRss: number;
  floorMaxRss: number;
  /** Medians of CPU time (user + system, all threads), and the CLI's `--jobs 1` over the floor's. */
  cpu: { cliMs: number; floorMs: number; ratio: number; parallelMs: number; cliBusy: number };
  /** The same run with `--jobs N`: its median, ratio to the floor, and speed-up over `--jobs 1`. */
  parallel: { jobs: number; ms: number; ratio: number; scaling: number; maxRss: number };
}

interface Run {
  ms: number;
  maxRss: number;
  cpuMs: number;
  stdout: string;
}

function timeProcess(args: string[], rssFile: string): Run {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-r', join(__dirname, 'max-rss.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_MAX_RSS_FILE: rssFile },
    maxBuffer: 1024 * 1024 * 1024,
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  // The CLI exits 1 when it has findings and 2 when a file was skipped; neither spoils a timing.
  if (result.status === null || result.status > 2) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  const [maxRss = Number.NaN, cpuMs = Number.NaN] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
  return { ms, maxRss, cpuMs, stdout: result.stdout };
}

/** `runs` alternating pairs of floor and CLI runs on `folder`, after one untimed warm-up of each. */
export function benchCli(label: string, folder: string, runs: number, jobs: number): CliFigures {
  const scratch = mkdtempSync(join(tmpdir(), 'rss-bench-'));
  const rssFile = join(scratch, 'max-rss');
  try {
    const cliArgs = ['dist/cli.js', 'check', '--format', 'json', '--jobs', '1', folder];
    const parallelArgs = ['dist/cli.js', 'check', '--format', 'json', '--jobs', String(jobs), folder];
    const floorArgs = [join(__dirname, 'floor.cjs'), folder];
    const counted = JSON.parse(timeProcess(floorArgs, rssFile).stdout) as { files: number; bytes: number };
    timeProcess(cliArgs, rssFile);
    timeProcess(parallelArgs, rssFile);
    const floor: Run[] = [];
    const cli: Run[] = [];
    const parallel: Run[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(timeProcess(floorArgs, rssFile));
      cli.push(timeProcess(cliArgs, rssFile));
      parallel.push(timeProcess(parallelArgs, rssFile));
    }
    const cliMs = median(cli.map((r) => r.ms));
    const parallelMs = median(parallel.map((r) => r.ms));
    const floorMs = median(floor.map((r) => r.ms));
    return {
      label,
      files: counted.files,
      bytes: counted.bytes,
      runs,
      cliMs,
      floorMs,
      ratio: cliMs / floorMs,
      cliMaxRss: Math.max(...cli.map((r) => r.maxRss)),
      floorMaxRss: Math.max(...floor.map((r) => r.maxRss)),
      cpu: {
        cliMs: median(cli.map((r) => r.cpuMs)),
        floorMs: median(floor.map((r) => r.cpuMs)),
        ratio: median(cli.map((r) => r.cpuMs)) / median(floor.map((r) => r.cpuMs)),
        parallelMs: median(parallel.map((r) => r.cpuMs)),
        // Cores busy with `--jobs 1`, run by run: CPU time (all threads) over wall time.
        cliBusy: median(cli.map((r) => r.cpuMs / r.ms)),
      },
      parallel: {
        jobs,
        ms: parallelMs,
        ratio: parallelMs / floorMs,
        scaling: cliMs / parallelMs,
        maxRss: Math.max(...parallel.map((r) => r.maxRss)),
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface StartupFigures {
  folder: string;
  runs: number;
  /** `node dist/cli.js check FOLDER`, median wall time. */
  cliMs: number;
  /** `node -e 0` in the same rounds: what Node's own start costs. */
  nodeMs: number;
}

/**
 * The CLI's fixed cost: a check of a small crate (`examples/`, 138 lines) against an empty Node
 * process, alternating, `runs` times after one untimed round. Their difference is our start-up
 * (loading the bundle and the wasm) plus the crate's few milliseconds of work.
 */
export function benchStartup(runs: number): StartupFigures {
  const scratch = mkdtempSync(join(tmpdir(), 'rss-bench-'));
  const rssFile = join(scratch, 'max-rss');
  try {
    const folder = 'examples';
    const cliArgs = ['dist/cli.js', 'check', '--format', 'json', folder];
    const nodeArgs = ['-e', '0'];
    timeProcess(cliArgs, rssFile);
    timeProcess(nodeArgs, rssFile);
    const cli: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(timeProcess(nodeArgs, rssFile).ms);
      cli.push(timeProcess(cliArgs, rssFile).ms);
    }
    return { folder, runs, cliMs: median(cli), nodeMs: median(node) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
