// Indexings run one at a time: requests that arrive while one runs (two batches of files from the
// web client, a setting changed meanwhile) wait for it, and of several waiting only the last runs,
// with the settings of when it starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InitializeParams } from 'vscode-languageserver';
import { createWorkspaceIndexing } from '../../server/src/features/workspace-indexing';
import { defaultSettings } from '../../server/src/features/settings';
import type { WorkspaceIndex } from '../../server/src/features/workspace';

function fakeWorkspace() {
  const runs: { allFeatures: boolean | undefined; ended: boolean }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const gates: (() => void)[] = [];
  const index = {
    async index(_folders: string[], progress: { done(): void }, allFeatures?: boolean) {
      const run = { allFeatures, ended: false };
      runs.push(run);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      run.ended = true;
      progress.done();
    },
  } as unknown as WorkspaceIndex;
  return { index, runs, gates, mostAtOnce: () => mostAtOnce };
}

test('indexings run one at a time, and of those asked for meanwhile only the last', async () => {
  const fake = fakeWorkspace();
  const settings = { ...defaultSettings(), allFeatures: false };
  const logs: string[] = [];
  const indexing = createWorkspaceIndexing({
    connection: { client: {}, window: {} } as never,
    workspace: Promise.resolve(fake.index),
    settings: () => Promise.resolve(settings),
    logger: { info: (m) => logs.push(m), error: (m) => logs.push(m) },
    uriPaths: { toPath: () => '/ws', toUri: (p) => `file://${p}` },
    republishAll: () => undefined,
    openDocuments: () => [],
  });
  indexing.initialize({ rootUri: 'file:///ws', capabilities: {} } as unknown as InitializeParams);

  const first = indexing.index();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fake.runs.length, 1, 'the first indexing started');
  // Three more asked for while it runs; the setting changes before they can start.
  const more = [indexing.index(), indexing.index(), indexing.index()];
  settings.allFeatures = true;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fake.runs.length, 1, 'nothing else starts while the first runs');

  fake.gates.shift()!();
  await first;
  for (let i = 0; i < 5 && fake.runs.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fake.runs.length, 2, 'one more indexing, for the three asked for');
  assert.equal(fake.runs[1].allFeatures, true, 'with the settings of when it started');
  fake.gates.shift()!();
  await Promise.all(more);
  assert.equal(fake.mostAtOnce(), 1, 'never two at once');
  assert.equal(logs.filter((l) => l.startsWith('indexed ')).length, 2, logs.join('\n'));
});
