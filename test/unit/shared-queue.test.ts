// The queue `check --jobs N` threads take their units from (cli/jobs.ts): the workers from the
// front of the order, the main thread from its back, every unit taken exactly once, and past
// 65,535 units (more than a half-word counts) everyone from the front.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedQueue } from '../../server/src/cli/jobs';

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
