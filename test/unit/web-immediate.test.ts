// The web worker's stand-in for Node's setImmediate: callbacks run in the order posted, with their
// arguments, cleared ones not, and never through a zero timeout (nested five deep, those wait 4 ms
// each: the indexing's pauses between slices chain three immediates).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { provideSetImmediate } from '../../server/src/browser-server';

type Immediate = (callback: (...args: never[]) => void, ...args: unknown[]) => unknown;

test("a web worker's immediates run in order, with their arguments, cleared ones not, none through a timeout", async () => {
  const scope: { setImmediate?: unknown; clearImmediate?: unknown } = {};
  provideSetImmediate(scope);
  const setImmediate = scope.setImmediate as Immediate;
  const clearImmediate = scope.clearImmediate as (handle: unknown) => void;
  const realSetTimeout = globalThis.setTimeout;
  let timeouts = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof realSetTimeout>) => {
    timeouts++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  // Keeps the process alive meanwhile (the channel's port does not).
  const alive = setInterval(() => undefined, 1000);
  try {
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      const step = (k: number): void => {
        ran.push(`step ${k}`);
        if (k < 10) setImmediate(step, k + 1);
        else resolve();
      };
      setImmediate(step, 0);
      clearImmediate(setImmediate(() => ran.push('cleared')));
      setImmediate((a: string, b: string) => ran.push(a + b), 'x', 'y');
    });
    assert.deepEqual(ran, ['step 0', 'xy', ...Array.from({ length: 10 }, (_, k) => `step ${k + 1}`)]);
    assert.equal(timeouts, 0, 'an immediate went through a zero timeout');
  } finally {
    globalThis.setTimeout = realSetTimeout;
    clearInterval(alive);
  }
});
