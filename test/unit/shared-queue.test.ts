// The queue `check --jobs N` threads take their units from (cli/jobs.ts): the workers from the
// front of the order, the main thread from its back, every unit taken exactly once, and past
// 65,535 units (more than a half-word counts) everyone from the front. And a worker's loop over
// it: each unit said before its results, and retiring when its memory is over the limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFromQueue, SharedQueue, type FromWorker } from '../../server/src/cli/jobs';

function takeAll(queue: SharedQueue, pattern: boolean[]): number[] {
  const taken: number[] = [];
  for (let i = 0; ; i++) {
    const id = queue.take(pattern[i % pattern.length]);
    if (id === undefined) return taken;
    taken.push(id);
  }
}

test('the front gives the order from its start, the back from its end, and they meet once', () => {
  const order = [4, 0, 3, 1, 2];
  const queue = new SharedQueue(SharedQueue.buffer(), order);
  assert.equal(queue.take(false), 4);
  assert.equal(queue.take(true), 2);
  assert.equal(queue.take(true), 1);
  assert.equal(queue.take(false), 0);
  assert.equal(queue.take(false), 3);
  assert.equal(queue.take(true), undefined);
  assert.equal(queue.take(false), undefined);
});

test('two queues on one buffer (two threads) share the units: each is taken once', () => {
  const order = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const buffer = SharedQueue.buffer();
  const worker = new SharedQueue(buffer, order);
  const main = new SharedQueue(buffer, order);
  const fromWorker: number[] = [];
  const fromMain: number[] = [];
  for (let i = 0; ; i++) {
    const id = i % 3 === 0 ? main.take(true) : worker.take(false);
    if (id === undefined) break;
    (i % 3 === 0 ? fromMain : fromWorker).push(id);
  }
  assert.deepEqual(
    [...fromWorker, ...fromMain].sort((a, b) => a - b),
    [...order].sort((a, b) => a - b),
  );
  assert.deepEqual(fromWorker, order.slice(0, fromWorker.length));
  assert.deepEqual(fromMain, order.slice(fromWorker.length).reverse());
});

test('past a half-word of units, the back takes from the front too, each unit once', () => {
  const order = Array.from({ length: 70_000 }, (_, i) => i);
  const taken = takeAll(new SharedQueue(SharedQueue.buffer(), order), [true, false]);
  assert.equal(taken.length, order.length);
  assert.deepEqual(taken, order);
});

test('left counts the units no thread has taken, from both ends', () => {
  const queue = new SharedQueue(SharedQueue.buffer(), [2, 0, 1, 3]);
  assert.equal(queue.left(), 4);
  queue.take(false);
  queue.take(true);
  assert.equal(queue.left(), 2);
  queue.take(false);
  queue.take(false);
  assert.equal(queue.left(), 0);
  assert.equal(queue.take(true), undefined);
  assert.equal(queue.left(), 0);
});

/** A worker's loop over `order` with the given memory figures after each unit; what it posted, in order. */
function workerRun(order: number[], memory: number[], limit: number, failing?: number): FromWorker[] {
  const queue = new SharedQueue(SharedQueue.buffer(), order);
  const posted: FromWorker[] = [];
  let unitsDone = 0;
  checkFromQueue(
    queue,
    (id) => {
      unitsDone++;
      if (id === failing) throw new Error(`unit ${id} broke`);
      return [{ index: id, warnings: [] }];
    },
    { post: (message) => posted.push(message), memory: () => memory[unitsDone - 1] ?? 0, limit },
  );
  return posted;
}

test('a worker under its memory limit checks every unit from the front, saying each before its results', () => {
  const posted = workerRun([3, 1, 2], [10, 20, 30], 100);
  assert.deepEqual(posted, [
    { id: 3, taken: true },
    { id: 3, results: [{ index: 3, warnings: [] }] },
    { id: 1, taken: true },
    { id: 1, results: [{ index: 1, warnings: [] }] },
    { id: 2, taken: true },
    { id: 2, results: [{ index: 2, warnings: [] }] },
  ]);
});

test('a worker over its memory limit after a unit retires, leaving the other units in the queue', () => {
  const order = [3, 1, 2];
  const posted = workerRun(order, [10, 150, 10], 100);
  assert.deepEqual(posted, [
    { id: 3, taken: true },
    { id: 3, results: [{ index: 3, warnings: [] }] },
    { id: 1, taken: true },
    { id: 1, results: [{ index: 1, warnings: [] }] },
    { retired: true },
  ]);
  // A limit of 0 retires after every unit; a unit that throws is reported, not lost.
  const [taken, failed, retired, ...rest] = workerRun(order, [1, 1, 1], 0, 3);
  assert.deepEqual(taken, { id: 3, taken: true });
  assert.ok(failed !== undefined && 'error' in failed && failed.id === 3, JSON.stringify(failed));
  assert.match(failed.error, /unit 3 broke/);
  assert.deepEqual(retired, { retired: true });
  assert.deepEqual(rest, []);
});
