// The async differential check: generated async programs go to the built CLI (`check --format
// json`, its `futures` array) and to rustc; each future the CLI gives a verdict for (matched by
// name and line; async blocks and closures by kind and line) is right when it predicts rustc's answer at every question
// (for a generic future, every probe type argument), wrong otherwise, `unknown` when its status
// is unknown, and missing when the CLI has no entry.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { GeneratedAsyncProgram, GeneratedFuture } from './async-generate';
import type { AsyncJudgement } from './async-oracle';
import { predict, type ExpectedVerdict, type Instantiation } from './instantiate';
import { REPO_ROOT } from './rust-items';

/** One entry of the CLI's `futures` array. */
export interface CliFuture {
  file: string;
  name: string;
  kind: string;
  line: number;
  column: number;
  send: ExpectedVerdict;
  reasons?: string[];
}

/** The CLI's JSON has no `futures` array: the engine does not judge futures (yet). */
export class NoFuturesError extends Error {
  constructor() {
    super(
      'the CLI output (`check --format json`) has no `futures` array: this build of the engine does not judge async futures',
    );
    this.name = 'NoFuturesError';
  }
}

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/**
 * Runs the built CLI once on all `programs` (one file each, in a temporary folder) and returns
 * each program's `futures` entries, by seed. Throws NoFuturesError when the output has no
 * `futures` array.
 */
export function cliFutures(programs: readonly GeneratedAsyncProgram[]): Map<number, CliFuture[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rust-send-sync-async-cli-'));
  try {
    const fileOf = (seed: number) => `p${seed}.rs`;
    for (const p of programs) writeFileSync(join(dir, fileOf(p.seed)), p.source);
    const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // 0: clean; 1: findings. Anything else is the CLI failing.
    if (r.status !== 0 && r.status !== 1) {
      throw new Error(`\`node dist/cli.js check\` exited with ${r.status ?? r.signal}: ${r.stderr}`);
    }
    let out: { futures?: CliFuture[] };
    try {
      out = JSON.parse(r.stdout) as typeof out;
    } catch {
      throw new Error(`\`node dist/cli.js check --format json\` printed no JSON: ${r.stderr.slice(0, 2000)}`);
    }
    if (!Array.isArray(out.futures)) throw new NoFuturesError();
    const bySeed = new Map<number, CliFuture[]>(programs.map((p) => [p.seed, []]));
    const seedOf = new Map(programs.map((p) => [fileOf(p.seed), p.seed]));
    for (const f of out.futures) {
      const seed = seedOf.get(basename(f.file));
      if (seed !== undefined) bySeed.get(seed)!.push(f);
    }
    return bySeed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type FutureOutcome = 'right' | 'wrong' | 'unknown' | 'missing';

export interface FutureComparison {
  seed: number;
  future: GeneratedFuture;
  outcome: FutureOutcome;
  /** The CLI's verdict, e.g. `if T: Send`, or why it could not be evaluated. */
  engine?: string;
  /** The first question where they differ: the call, and rustc's answer there. */
  call?: string;
  rustc?: boolean;
}

function describe(v: ExpectedVerdict): string {
  return v.status === 'conditional' ? `if ${v.requires.join(', ')}` : v.status;
}

function entryFor(f: GeneratedFuture, entries: readonly CliFuture[]): CliFuture | undefined {
  return entries.find((e) => e.line === f.line && (f.kind === 'async-fn' ? e.name === f.name : e.kind === f.kind));
}

/** Compares the CLI's entries for one program with rustc's judgement of it. */
export function compareProgram(
  program: GeneratedAsyncProgram,
  judgement: AsyncJudgement,
  entries: readonly CliFuture[],
): FutureComparison[] {
  return program.futures.map((future, fi): FutureComparison => {
    const base = { seed: program.seed, future };
    const entry = entryFor(future, entries);
    if (!entry) return { ...base, outcome: 'missing' };
    const verdict = entry.send;
    const engine = describe(verdict);
    if (verdict.status === 'unknown') return { ...base, outcome: 'unknown', engine };
    for (let qi = 0; qi < future.questions.length; qi++) {
      const q = future.questions[qi];
      const args: Instantiation['args'] = new Map();
      if (future.typeParam && q.probe) {
        args.set(future.typeParam, { expr: q.probe.label, send: q.probe.send, sync: q.probe.sync });
      }
      let predicted: boolean | undefined;
      try {
        predicted = predict(verdict, { args, label: q.probe ? `T = ${q.probe.label}` : '' });
      } catch (e) {
        return { ...base, outcome: 'wrong', engine: `${engine}: ${(e as Error).message}`, call: q.call };
      }
      if (predicted === undefined) return { ...base, outcome: 'unknown', engine };
      const rustc = judgement.send[fi][qi];
      if (predicted !== rustc) return { ...base, outcome: 'wrong', engine, call: q.call, rustc };
    }
    return { ...base, outcome: 'right', engine };
  });
}

/** rustc's verdict on a future as the CLI would spell it: yes / no, or conditional on `T: ...`. */
export function groundTruth(future: GeneratedFuture, answers: readonly boolean[]): string {
  if (answers.every((a) => a)) return 'yes';
  if (answers.every((a) => !a)) return 'no';
  const qs = future.questions.map((q, i) => ({ p: q.probe!, send: answers[i] }));
  // The smallest requirement on T that fits every answer.
  const fits = (needSend: boolean, needSync: boolean) =>
    qs.every((q) => q.send === ((!needSend || q.p.send) && (!needSync || q.p.sync)));
  const T = future.typeParam ?? 'T';
  if (fits(true, false)) return `if ${T}: Send`;
  if (fits(false, true)) return `if ${T}: Sync`;
  if (fits(true, true)) return `if ${T}: Send, ${T}: Sync`;
  return `irregular (${qs.map((q) => `${q.p.label}: ${q.send ? 'yes' : 'no'}`).join(', ')})`;
}
