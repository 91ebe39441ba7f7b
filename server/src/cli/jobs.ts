// `check --jobs N`: the run's units (a crate each, or a batch of loose files; see planCheck) are
// checked on N threads: this one and N-1 workers, each a copy of this same bundle (dist/cli.js)
// with its own engine. Every thread takes its next unit itself from a queue they share (the
// workers the biggest first, this thread the smallest), so none waits for another to hand it
// work. The results are merged in the plan's order, so the output is the same bytes as with
// `--jobs 1`. A worker grown big (a big crate's trees) hands over to a fresh one after its unit.
// A unit whose worker fails is reported as a problem of each of its files; the other units'
// results are kept.
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
  units: CheckUnit[];
  /** The units' indexes in the order they are taken. */
  order: number[];
  /** The SharedQueue's word. */
  queue: SharedArrayBuffer;
}

export type FromWorker =
  | { id: number; taken: true }
  | { id: number; results: UnitResult[] }
  | { id: number; error: string }
  | { retired: true };

/**
 * A worker whose memory outside the JS heap (the parser's WebAssembly memory, mostly: it grows to
 * the largest crate's trees and never shrinks) passes this after a unit ends and a fresh worker
 * takes its place, so the run's peak is not every big crate's high-water mark held at once (MB;
 * `RUST_SEND_SYNC_WORKER_MEMORY_MB` sets another, 0 retires a worker after every unit). At 128,
 * tokio's 118 MB stayed for every crate after it: the registry's check peaked at 292-311 MB with
 * `--jobs 1` and 404 MB with `--jobs 2`; at 96, 255-259 and 345-348 MB, for 4-5% more time with
 * `--jobs 1` and 1-4% with `--jobs 2` (64 peaks no lower).
 */
const WORKER_MEMORY_MB = 96;

/**
 * A worker's young generation (MB): three semi-spaces of 4 MB, where V8 lets a thread's grow to
 * 48. The registry's check peaks some 40 MB lower for a few percent more time. This thread's own
 * is sized before any code runs, and cannot be set: see runCheck.
 */
const YOUNG_GENERATION_MB = 12;

/** `RUST_SEND_SYNC_WORKERS=0`: no worker, every unit on this thread (a reference run, or a host without threads). */
function workersAllowed(): boolean {
  return process.env.RUST_SEND_SYNC_WORKERS?.trim() !== '0';
}

function workerMemoryLimit(): number {
  const set = process.env.RUST_SEND_SYNC_WORKER_MEMORY_MB?.trim();
  const mb = set !== undefined && set !== '' && Number(set) >= 0 ? Number(set) : WORKER_MEMORY_MB;
  return mb * 1024 * 1024;
}

/**
 * The units left, shared by the threads as one 32-bit word (so that a take is one atomic step):
 * how many were taken from the front of the order (the workers', the biggest first) in the low
 * half, and from its back (this thread's, the smallest first) in the high half. This thread
 * checking small units while a worker checks a big one keeps the peak memory to one big unit's;
 * where they meet, the units are middle-sized, so the threads end close together.
 */
export class SharedQueue {
  private readonly word: Uint32Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly order: readonly number[],
  ) {
    this.word = new Uint32Array(buffer);
  }

  static buffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(Uint32Array.BYTES_PER_ELEMENT);
  }

  /** How many units no thread has taken yet. */
  left(): number {
    const word = Atomics.load(this.word, 0);
    const taken = this.order.length <= HALF ? (word & HALF) + (word >>> 16) : word;
    return Math.max(0, this.order.length - taken);
  }

  /** The next unit from the front (`back` false) or the back; undefined when none is left. */
  take(back: boolean): number | undefined {
    const n = this.order.length;
    // More units than a half-word counts: the word counts the front alone, and everyone takes there.
    const split = n <= HALF;
    const fromBack = back && split;
    for (;;) {
      const word = Atomics.load(this.word, 0);
      const front = split ? word & HALF : word;
      const behind = split ? word >>> 16 : 0;
      if (front + behind >= n) return undefined;
      const next = fromBack ? word + (1 << 16) : word + 1;
      if (Atomics.compareExchange(this.word, 0, word, next >>> 0) === word)
        return fromBack ? this.order[n - 1 - behind] : this.order[front];
    }
  }
}

const HALF = 0xffff;

/**
 * A unit's results as this thread keeps them until the run ends: copied, as a worker's are when
 * posted. Their strings (lines, type texts, reasons) are otherwise views into the files' texts,
 * and would keep every text checked alive (18 MB of the registry's 54 MB of results).
 */
function keptResults(results: UnitResult[]): UnitResult[] {
  return structuredClone(results);
}

export function defaultJobs(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
}

/** Whether this thread is a check worker (then `runCheckWorker` serves it). */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerData> | undefined)?.kind === 'rust-send-sync-check-worker';
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** A worker's life: load the engine once, then check units until none is left (or it retires), and end. */
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
  checkFromQueue(new SharedQueue(data.queue, data.order), (id) => runUnit(data.units[id], data.options, engine), {
    post: (message) => port.postMessage(message),
    memory: () => process.memoryUsage().external,
    limit: workerMemoryLimit(),
  });
}

/**
 * A worker's loop: takes units from the front of the queue and checks them, saying which unit it
 * took before its results (so that a unit it dies on is reported failed), until none is left or
 * its `memory` is over `limit` after a unit, when it says it retires.
 */
export function checkFromQueue(
  queue: SharedQueue,
  check: (id: number) => UnitResult[],
  worker: { post: (message: FromWorker) => void; memory: () => number; limit: number },
): void {
  for (let id = queue.take(false); id !== undefined; id = queue.take(false)) {
    worker.post({ id, taken: true });
    let reply: FromWorker;
    try {
      reply = { id, results: check(id) };
    } catch (error) {
      reply = { id, error: describe(error) };
    }
    worker.post(reply);
    if (worker.memory() > worker.limit) {
      worker.post({ retired: true });
      return;
    }
  }
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
 * early and the last ones are small, so the threads end close together (a batch of the largest
 * files dealt last kept one thread busy alone for a second or more).
 */
function dispatchOrder(plan: CheckPlan): number[] {
  const weight = plan.units.map(
    (unit) => (unit.root !== undefined ? 1e12 : 0) + unit.files.reduce((sum, { path }) => sum + sizeOf(path), 0),
  );
  return plan.units.map((_, i) => i).sort((a, b) => weight[b] - weight[a] || a - b);
}

function newEngine(): ReturnType<typeof createEngine> {
  return createEngine({ wasmDir: __dirname, mentions: false, reuseFutures: false, reuseExpansion: false });
}

/**
 * A `check` run over `jobs` threads (at most one per unit). A run of one unit (one crate) is
 * checked on this thread, where a worker would only add its start-up (and so is every run
 * without workers, see workersAllowed). With more units, `jobs - 1`
 * workers and this thread check them; at `--jobs 1`, a single worker does, and this thread only
 * lists the files and merges: a worker's memory is bounded (YOUNG_GENERATION_MB) and handed back
 * after a big crate (WORKER_MEMORY_MB), this thread's is not (the registry's check peaks ~30 MB
 * lower). With several workers this thread checks units too rather than wait: one worker fewer
 * to start (a second copy of the engine, its start-up and its memory).
 */
export async function runCheck(options: CheckOptions, jobs: number, bundle: string): Promise<CheckRun> {
  // Where this thread will check units, the engine's wasm compiles off it while the files are listed.
  let starting = jobs > 1 ? newEngine() : undefined;
  const plan = planCheck(options.paths);
  if (plan.units.length <= 1 || !workersAllowed()) {
    const engine = await (starting ?? newEngine());
    return mergeResults(
      plan,
      plan.units.map((unit) => keptResults(runUnit(unit, options, engine))),
    );
  }
  const results: (UnitResult[] | undefined)[] = plan.units.map(() => undefined);
  const order = dispatchOrder(plan);
  const shared = SharedQueue.buffer();
  const queue = new SharedQueue(shared, order);
  const data: WorkerData = {
    kind: 'rust-send-sync-check-worker',
    options,
    wasmDir: __dirname,
    units: plan.units,
    order,
    queue: shared,
  };
  /** A worker, and the one that takes its place when it retires or dies while units are left. */
  const work = (): Promise<void> =>
    new Promise<void>((done) => {
      const worker = new Worker(bundle, {
        workerData: data,
        stdout: false,
        stderr: false,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      /** The unit this worker took and has not answered yet. */
      let current: number | undefined;
      let tookAny = false;
      let lastError: string | undefined;
      let retired = false;
      worker.on('message', (message: FromWorker) => {
        if ('retired' in message) {
          retired = true;
          return;
        }
        if ('taken' in message) {
          current = message.id;
          tookAny = true;
          return;
        }
        current = undefined;
        results[message.id] = 'error' in message ? failed(plan.units[message.id], message.error) : message.results;
      });
      worker.on('error', (error) => void (lastError = error.message));
      // A worker that dies loses only the unit it was checking; a fresh one takes the rest.
      worker.on('exit', () => {
        if (current !== undefined) results[current] = failed(plan.units[current], lastError ?? 'the worker stopped');
        // One that took no unit could not start: its units are left to the threads still running,
        // or to this one once they end.
        if ((retired || tookAny) && queue.left() > 0) work().then(done, done);
        else done();
      });
    });
  /** Checks units from the back of the queue on this thread until none is left. */
  const checkHere = async (): Promise<void> => {
    starting ??= newEngine();
    const engine = await starting;
    for (let id = queue.take(true); id !== undefined; id = queue.take(true)) {
      try {
        results[id] = keptResults(runUnit(plan.units[id], options, engine));
      } catch (error) {
        results[id] = failed(plan.units[id], describe(error));
      }
      // The workers' answers are read between units.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const here = jobs > 1;
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(jobs, plan.units.length) - (here ? 1 : 0); w++) workers.push(work());
  if (here) await checkHere();
  await Promise.all(workers);
  // Units no worker took (at --jobs 1, when none could start): this thread checks them.
  if (queue.left() > 0) await checkHere();
  // A unit taken by a worker that stopped before it said so (or before its answer came).
  return mergeResults(
    plan,
    results.map((r, id) => r ?? failed(plan.units[id], 'the worker stopped')),
  );
}
