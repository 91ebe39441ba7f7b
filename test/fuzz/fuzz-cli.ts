// `npm run fuzz -- [--cases N] [--seed S] [--jobs J] [--without a,b] [--case N] [--corpus DIR]`:
// the long fuzz run. Splits the cases over J processes (default: the core count), prints progress
// and every failure with the line that replays it, and writes each failing input to
// test-results/fuzz/. A process stuck on one case for HANG_MS is killed, the case recorded as a
// hang, and the shard restarted after it. `--case N` replays one case here and prints its outcome.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../server/src/engine';
import { findWasmDir } from '../oracle/rust-items';
import { calibrate, loadSources, makeCase, mutatorsWithout, runCase, type FuzzFailure } from './fuzz';

const OUT = join(__dirname, '..', '..', 'test-results', 'fuzz');
const HANG_MS = 15_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

function textOption(name: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? '') : '';
}

/** `starting` also says the shard's previous case is done; a failure is sent as soon as found. */
type ShardMessage =
  { kind: 'starting'; index: number } | { kind: 'failed'; failure: FuzzFailure } | { kind: 'finished' };

/** A worker process: runs cases from, from + jobs, ... below `cases`, and reports to the parent. */
async function runShard(seed: number, cases: number, from: number, jobs: number): Promise<void> {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const { sources } = loadSources();
  const mutators = mutatorsWithout(textOption('--without'));
  const msPerChar = calibrate(engine, sources);
  // Each message is on its way before the next case blocks this process: the parent's watchdog
  // must know which case is running.
  const send = (message: ShardMessage): Promise<void> =>
    new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  for (let index = from; index < cases; index += jobs) {
    await send({ kind: 'starting', index });
    const failure = runCase(engine, makeCase(sources, seed, index, mutators), msPerChar);
    if (failure !== undefined) await send({ kind: 'failed', failure });
  }
  await send({ kind: 'finished' });
}

function record(failure: FuzzFailure, seed: number): void {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `seed-${seed}-case-${failure.index}.rs`);
  if (failure.text !== '') writeFileSync(file, failure.text);
  process.stdout.write(
    `FAIL case ${failure.index} (${failure.source}; ${failure.mutations.join(', ')}): ${failure.kind}: ${failure.detail.split('\n').slice(0, 4).join(' | ')}\n` +
      `  ${failure.text !== '' ? `input: ${file}; ` : ''}replay: npm run fuzz -- --seed ${seed} --case ${failure.index}${process.argv.includes('--without') ? ` --without ${textOption('--without')}` : ''}\n`,
  );
}

async function replay(seed: number, index: number): Promise<void> {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const { sources, from } = loadSources();
  const msPerChar = calibrate(engine, sources);
  const fuzzCase = makeCase(sources, seed, index, mutatorsWithout(textOption('--without')));
  process.stdout.write(
    `case ${index} of seed ${seed} (sources: ${from}): ${fuzzCase.source}; ${fuzzCase.mutations.join(', ')}; ${fuzzCase.text.length} characters\n`,
  );
  const failure = runCase(engine, fuzzCase, msPerChar);
  if (failure === undefined) process.stdout.write('passes\n');
  else record(failure, seed);
}

interface Tally {
  done: number;
  failed: number;
  started: number;
}

/** Runs shard `shard` from case `from`; on a hang, records it and carries on after that case. */
function superviseShard(
  seed: number,
  cases: number,
  shard: number,
  jobs: number,
  from: number,
  tally: Tally,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [...process.argv.slice(2), '--shard', String(shard), '--from', String(from), '--jobs', String(jobs)];
    const child: ChildProcess = fork(__filename, args, { execArgv: process.execArgv });
    let current = -1;
    let watchdog = setTimeout(() => undefined, 0);
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        const hung = current < 0 ? from : current;
        tally.failed++;
        tally.done++;
        record(
          {
            index: hung,
            source: '?',
            mutations: [],
            text: '',
            kind: 'slow',
            detail: `no answer within ${HANG_MS / 1000} s (process killed)`,
          },
          seed,
        );
        child.removeAllListeners('exit');
        child.kill('SIGKILL');
        superviseShard(seed, cases, shard, jobs, hung + jobs, tally).then(resolve, reject);
      }, HANG_MS);
    };
    arm();
    child.on('message', (message: ShardMessage) => {
      if (message.kind === 'failed') {
        tally.failed++;
        record(message.failure, seed);
        return;
      }
      if (current >= 0) tally.done++; // the previous case is over
      current = message.kind === 'starting' ? message.index : -1;
      arm();
      if (tally.done % 500 === 0)
        process.stderr.write(
          `\r${tally.done}/${cases} cases, ${tally.failed} failures, ${((Date.now() - tally.started) / 1000).toFixed(0)} s `,
        );
    });
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      if (code === 0) resolve();
      else reject(new Error(`shard ${shard} exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const seed = option('--seed', 1);
  const cases = option('--cases', 10_000);
  if (process.argv.includes('--shard')) return runShard(seed, cases, option('--from', 0), option('--jobs', 1));
  if (process.argv.includes('--case')) return replay(seed, option('--case', 0));
  const jobs = Math.max(1, option('--jobs', availableParallelism()));
  const { sources, from } = loadSources();
  const without = textOption('--without');
  process.stdout.write(
    `fuzz: ${cases} cases, seed ${seed}, ${jobs} processes, ${sources.length} source files from ${from}${without ? `, without ${without}` : ''}\n`,
  );
  const tally: Tally = { done: 0, failed: 0, started: Date.now() };
  await Promise.all(Array.from({ length: jobs }, (_, shard) => superviseShard(seed, cases, shard, jobs, shard, tally)));
  process.stdout.write(
    `\nfuzz: ${tally.done} cases in ${((Date.now() - tally.started) / 1000).toFixed(0)} s, ${tally.failed} failures\n`,
  );
  if (tally.failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
