// The diagnostics scheduler: a file whose edits are usually analysed cheaply (or were not measured
// yet) is published on the next turn of the event loop after an edit, a slow one after the quiet
// delay, and a burst of edits publishes once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHEAP_ANALYSIS_MS, createDiagnosticsScheduler } from '../../server/src/features/diagnostics';

function recorder(delayMs = 200) {
  const published: { uri: string; at: number }[] = [];
  const start = performance.now();
  const scheduler = createDiagnosticsScheduler(
    (uri) => published.push({ uri, at: performance.now() - start }),
    () => undefined,
    delayMs,
  );
  return { published, scheduler };
}

test('a cheap file publishes right after the edit, without the quiet delay', async () => {
  // A quiet delay far longer than any stall of a loaded machine: a publish within two turns of
  // the event loop cannot have waited for it.
  const { published, scheduler } = recorder(60_000);
  scheduler.measured('cheap', CHEAP_ANALYSIS_MS / 2);
  scheduler.schedule('cheap');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(published.length, 1);
  scheduler.dispose();
});

test('a slow file waits for the quiet delay; a burst publishes once', async () => {
  const { published, scheduler } = recorder();
  scheduler.measured('slow', CHEAP_ANALYSIS_MS * 5);
  for (let i = 0; i < 5; i++) scheduler.schedule('slow');
  await sleep(50);
  assert.equal(published.length, 0, 'nothing before the delay');
  await sleep(300);
  assert.deepEqual(
    published.map((p) => p.uri),
    ['slow'],
  );
});

test("a file whose edits were never measured publishes at once; its first edit's time then decides", async () => {
  const { published, scheduler } = recorder(60_000);
  scheduler.schedule('new');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(published.length, 1, 'published on the next turn');
  scheduler.measured('new', CHEAP_ANALYSIS_MS * 4);
  scheduler.schedule('new');
  await sleep(50);
  assert.equal(published.length, 1, 'a slow first edit makes the next one wait');
  scheduler.dispose();
});

test("only an edit's publish is measured: an open's or a settings change's is not", async () => {
  const afterEdit: boolean[] = [];
  const scheduler = createDiagnosticsScheduler(
    (_uri, edit) => afterEdit.push(edit),
    () => undefined,
    60_000,
  );
  scheduler.schedule('file', true);
  scheduler.measured('file', 1);
  scheduler.schedule('file');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(afterEdit, [false, true]);
  scheduler.dispose();
});

test('cached (instant) answers do not make a slow file look cheap', async () => {
  const { published, scheduler } = recorder();
  scheduler.measured('slow', CHEAP_ANALYSIS_MS * 4);
  scheduler.measured('slow', 0);
  scheduler.measured('slow', 0);
  scheduler.schedule('slow');
  await sleep(50);
  assert.equal(published.length, 0);
  scheduler.dispose();
});

test('one slow analysis among cheap ones does not make the next edit wait', async () => {
  const { published, scheduler } = recorder();
  for (const ms of [5, 6, CHEAP_ANALYSIS_MS * 3, 5]) scheduler.measured('spiky', ms);
  scheduler.schedule('spiky');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(published.length, 1, 'published on the next turn');
  // Slow again and again: the file now waits for the quiet delay.
  for (let i = 0; i < 3; i++) scheduler.measured('spiky', CHEAP_ANALYSIS_MS * 3);
  scheduler.schedule('spiky');
  await sleep(50);
  assert.equal(published.length, 1, 'a file slow most of the time waits');
  scheduler.dispose();
});
