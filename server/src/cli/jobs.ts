// `check --jobs N`: the run's units (a crate each, or a batch of loose files; see planCheck) are
// checked on N threads: this one and N-1 workers, each a copy of this same bundle (dist/cli.js)
// with its own engine, handed units as they come free. The results are merged in the plan's
// order, so the output is the same bytes as with `--jobs 1`. A unit whose worker fails is
// reported as a problem of each of its files; the other units' results are kept.
import { statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createEngine } from '../engine';
import type { CheckOptions } from './args';
import type { CheckRun } from './check';
import { mergeResults, planCheck, runUnit, type CheckPlan, type CheckUnit, type UnitResult } from './project-check';

interface WorkerData {
  kind: 'rust-send-sync-check-worker';
  options: CheckOptions;
  wasmDir: string;
}

interface ToWorker {
  unit: CheckUnit;
  id: number;
}
type FromWorker = { id: number; results: UnitResult[] } | { id: number; error: string };

export function defaultJobs(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
}

/** Whether this thread is a check worker (then `runCheckWorker` serves it). */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerData> | undefined)?.kind === 'rust-send-sync-check-worker';
}

/** A worker's life: load the engine once, then check each unit the main thread sends. */
export async function runCheckWorker(): Promise<void> {
  const data = workerData as WorkerData;
  const port = parentPort;
  if (port === null) return;
  const engine = await createEngine({
    wasmDir: data.wasmDir,
    mentions: false,
    reuseFutures: false,
    reuseExpansion: false,
  });
  port.on('message', ({ unit, id }: ToWorker) => {
    let reply: FromWorker;
    try {
      reply = { id, results: runUnit(unit, data.options, engine) };
    } catch (error) {
      reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage('ready');
}

function failed(unit: CheckUnit, message: string): UnitResult[] {
  return unit.files.map(({ index, path }) => ({
    index,
    problem: { path, message: `analysis failed: ${message}` },
    warnings: [],
  }));
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Crates first, then loose batches, each by its bytes, biggest first: the longest pieces start
 * early and the last ones are small, so the workers end close together (a batch of the largest
 * files dealt last kept one worker busy alone for a second or more).
 */
function dispatchOrder(plan: CheckPlan): number[] {
  const weight = plan.units.map(
    (unit) => (unit.root !== undefined ? 1e12 : 0) + unit.files.reduce((sum, { path }) => sum + sizeOf(path), 0),
  );
  return plan.units.map((_, i) => i).sort((a, b) => weight[b] - weight[a] || a - b);
}

/** Units a worker holds at once: the next is there when it ends one, whatever this thread does. */
const AHEAD = 2;

function newEngine(): ReturnType<typeof createEngine> {
  return createEngine({ wasmDir: __dirname, mentions: false, reuseFutures: false, reuseExpansion: false });
}

/**
 * A `check` run over `jobs` threads (at most one per unit): this one and `jobs - 1` workers; all
 * on this thread when `jobs` is 1 or the run has a single unit (one crate), where a worker would
 * only add its start-up. This thread checks units too rather than wait: one worker fewer to start
 * (a second copy of the engine, its start-up and its memory). The workers take the biggest units
 * first and this thread the smallest, so it comes back often to hand the workers their next ones,
 * and they meet in the middle.
 */
export async function runCheck(options: CheckOptions, jobs: number, bundle: string): Promise<CheckRun> {
  // The engine's wasm compiles off this thread while the files are listed.
  const starting = newEngine();
  const plan = planCheck(options.paths);
  if (jobs <= 1 || plan.units.length <= 1) {
    const engine = await starting;
    return mergeResults(
      plan,
      plan.units.map((unit) => runUnit(unit, options, engine)),
    );
  }
  const results: UnitResult[][] = plan.units.map(() => []);
  const queue = dispatchOrder(plan);
  const count = Math.min(jobs, plan.units.length) - 1;
  const data: WorkerData = { kind: 'rust-send-sync-check-worker', options, wasmDir: __dirname };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < count; w++) {
    workers.push(
      new Promise<void>((done) => {
        const worker = new Worker(bundle, { workerData: data, stdout: false, stderr: false });
        // In the order sent: the first is the one being checked, the others wait in the worker.
        const inHand: number[] = [];
        let stopped = false;
        const topUp = (): void => {
          while (!stopped && inHand.length < AHEAD && queue.length > 0) {
            const id = queue.shift()!;
            inHand.push(id);
            worker.postMessage({ unit: plan.units[id], id } satisfies ToWorker);
          }
          if (!stopped && inHand.length === 0) {
            stopped = true;
            void worker.terminate();
          }
        };
        worker.on('message', (message: FromWorker | 'ready') => {
          if (message !== 'ready') {
            inHand.splice(inHand.indexOf(message.id), 1);
            results[message.id] = 'error' in message ? failed(plan.units[message.id], message.error) : message.results;
          }
          topUp();
        });
        // A worker that dies loses only the unit it was checking; those waiting in it go back to
        // the queue, for another thread.
        const lose = (message: string): void => {
          stopped = true;
          const [current, ...waiting] = inHand.splice(0);
          if (current !== undefined) results[current] = failed(plan.units[current], message);
          queue.unshift(...waiting);
        };
        worker.on('error', (error) => lose(error.message));
        worker.on('exit', () => {
          lose('the worker stopped');
          done();
        });
      }),
    );
  }
  const engine = await starting;
  // Between units, the workers' messages are answered (setImmediate lets them in).
  const checkHere = async (id: number): Promise<void> => {
    try {
      results[id] = runUnit(plan.units[id], options, engine);
    } catch (error) {
      results[id] = failed(plan.units[id], error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) await checkHere(id);
  await Promise.all(workers);
  // Units given back by workers that died after this thread ran out of its own.
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) await checkHere(id);
  return mergeResults(plan, results);
}
