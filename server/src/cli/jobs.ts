// `check --jobs N`: the run's units (a crate each, or a batch of loose files; see planCheck) are
// handed to N worker threads, each a copy of this same bundle (dist/cli.js) with its own engine,
// one unit at a time as each worker comes free. The results are merged in the plan's order, so
// the output is the same bytes as with `--jobs 1`. A unit whose worker fails is reported as a
// problem of each of its files; the other units' results are kept.
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

/** Crates first, biggest first: the longest pieces start early, loose batches fill the gaps. */
function dispatchOrder(plan: CheckPlan): number[] {
  const order = plan.units.map((_, i) => i);
  const weight = (unit: CheckUnit): number => (unit.root !== undefined ? 1e6 : 0) + unit.files.length;
  return order.sort((a, b) => weight(plan.units[b]) - weight(plan.units[a]) || a - b);
}

/**
 * A `check` run over `jobs` worker threads (at most one per unit); on this thread when `jobs` is
 * 1 or the run has a single unit (one crate), where a worker would only add its start-up.
 */
export async function runCheck(options: CheckOptions, jobs: number, bundle: string): Promise<CheckRun> {
  const plan = planCheck(options.paths);
  if (jobs <= 1 || plan.units.length <= 1) {
    const engine = await createEngine({
      wasmDir: __dirname,
      mentions: false,
      reuseFutures: false,
      reuseExpansion: false,
    });
    return mergeResults(
      plan,
      plan.units.map((unit) => runUnit(unit, options, engine)),
    );
  }
  const results: UnitResult[][] = plan.units.map(() => []);
  const queue = dispatchOrder(plan);
  const count = Math.max(1, Math.min(jobs, plan.units.length));
  const data: WorkerData = { kind: 'rust-send-sync-check-worker', options, wasmDir: __dirname };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < count && queue.length > 0; w++) {
    workers.push(
      new Promise<void>((done) => {
        const worker = new Worker(bundle, { workerData: data, stdout: false, stderr: false });
        let current: number | undefined;
        const next = (): void => {
          current = queue.shift();
          if (current === undefined) {
            void worker.terminate();
            return;
          }
          worker.postMessage({ unit: plan.units[current], id: current } satisfies ToWorker);
        };
        worker.on('message', (message: FromWorker | 'ready') => {
          if (message !== 'ready') {
            results[message.id] = 'error' in message ? failed(plan.units[message.id], message.error) : message.results;
          }
          next();
        });
        // A worker that dies loses only its unit in hand; the others carry on with the queue.
        worker.on('error', (error) => {
          if (current !== undefined) results[current] = failed(plan.units[current], error.message);
          current = undefined;
        });
        worker.on('exit', () => {
          if (current !== undefined) results[current] = failed(plan.units[current], 'the worker stopped');
          done();
        });
      }),
    );
  }
  await Promise.all(workers);
  // Units no worker took (every worker died) are reported, not dropped.
  for (const id of queue) results[id] = failed(plan.units[id], 'no worker left to check it');
  return mergeResults(plan, results);
}
