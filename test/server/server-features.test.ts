// The server's own logic (diagnostic mapping, hover text, inlay hints, stateless quick fixes with
// snippets, settings) over real JSON-RPC on in-memory streams, with startServer given a scripted engine:
// checks what the server does with engine output, whatever the real engine infers.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  createConnection,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Hover,
  type InlayHint,
  type MarkupContent,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { nodeWorkspace } from '../../server/src/node-server';
import { startServer } from '../../server/src/server';
import { autoAtom } from '../../server/src/model/conditions';
import { createScriptedEngine, no, yes } from '../scripted-engine';
import { applyEdits } from './lsp-session';

const URI = 'file:///project/src/lib.rs';
const SOURCE = [
  'pub struct Foo {',
  '    a: Rc<u8>,',
  '}',
  'pub struct P(*const u8);',
  '',
  'mod m {',
  '    unsafe impl Send for P {}',
  '}',
  '',
].join('\n');
const RC_REASON = 'field `a`: `Rc<u8>`: `Rc` is neither Send nor Sync';

interface Harness {
  client: MessageConnection;
  published: PublishDiagnosticsParams[];
  nextDiagnostics(accept?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  settings: { value: unknown };
  calls: { count: number };
  /** How many times the server asked the client to pull inlay hints again. */
  hintRefreshes: { count: number };
  close(): void;
}

async function startHarness(): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const calls = { count: 0 };
  const engine = createScriptedEngine(
    {
      Foo: { send: no(RC_REASON), sync: no(RC_REASON) },
      P: { send: yes, sync: no('field `0`: `*const u8` is never Sync') },
      Wrap: {
        params: ['T'],
        send: { status: 'conditional', requires: [autoAtom('T', 'Send')], source: 'auto', reasons: [] },
        sync: { status: 'conditional', requires: [autoAtom('T', 'Sync')], source: 'auto', reasons: [] },
      },
    },
    calls,
  );
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), {
    engine: Promise.resolve(engine),
    debounceMs: 0,
    ...nodeWorkspace,
  });

  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: {
    accept: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  const settings: { value: unknown } = { value: null };
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    const index = waiters.findIndex((w) => w.accept(p));
    if (index >= 0) waiters.splice(index, 1)[0].resolve(p);
  });
  client.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings.value));
  client.onRequest('client/registerCapability', () => null);
  const hintRefreshes = { count: 0 };
  client.onRequest('workspace/inlayHint/refresh', () => {
    hintRefreshes.count++;
    return null;
  });
  client.listen();
  await client.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    capabilities: { workspace: { configuration: true, inlayHint: { refreshSupport: true } } },
  });
  await client.sendNotification('initialized', {});
  return {
    client,
    published,
    settings,
    calls,
    hintRefreshes,
    nextDiagnostics: (accept = () => true) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no publishDiagnostics within 5 s')), 5000);
        waiters.push({ accept, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      }),
    close: () => {
      client.dispose();
      toServer.end();
      toClient.end();
    },
  };
}

async function openSource(h: Harness, text = SOURCE): Promise<PublishDiagnosticsParams> {
  const published = h.nextDiagnostics();
  await h.client.sendNotification('textDocument/didOpen', {
    textDocument: { uri: URI, languageId: 'rust', version: 1, text },
  });
  return published;
}

test('findings become diagnostics with our source, code, docs link and the default severity', async () => {
  const h = await startHarness();
  try {
    const { diagnostics, version } = await openSource(h);
    assert.equal(version, 1);
    assert.deepEqual(diagnostics, [
      {
        range: { start: { line: 6, character: 4 }, end: { line: 6, character: 29 } },
        severity: 2,
        code: 'missing-safety-comment',
        codeDescription: { href: 'https://github.com/rust-send-sync/rust-send-sync#missing-safety-comment' },
        source: 'rust-send-sync',
        message: '`unsafe impl Send for P` has no SAFETY comment',
      },
    ]);
  } finally {
    h.close();
  }
});

test('hover renders the verdict line, the reasons and the docs link', async () => {
  const h = await startHarness();
  try {
    await openSource(h);
    const hover = await h.client.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 0, character: 14 },
    });
    assert.ok(hover);
    assert.deepEqual(hover.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 14 } });
    const lines = (hover.contents as MarkupContent).value.split('\n');
    assert.equal(lines[0], '**Send** ✗ · **Sync** ✗ — `struct Foo`');
    assert.ok(lines.includes(`- ${RC_REASON}`), lines.join('\n'));
    assert.equal(lines.filter((l) => l.includes(RC_REASON)).length, 1, 'shared reasons are listed once');
    assert.match(lines[lines.length - 1], /^\[.+\]\(https:\/\/doc\.rust-lang\.org\/nomicon\/send-and-sync\.html\)$/);

    const p = await h.client.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 3, character: 11 },
    });
    const pText = (p?.contents as MarkupContent).value;
    assert.match(pText.split('\n')[0], /^\*\*Send\*\* ✓ · \*\*Sync\*\* ✗/);
    assert.match(pText, /Not `Sync`:\n- field `0`/);
  } finally {
    h.close();
  }
});

test('the quick fix is rebuilt from the current text, carries its snippet, and clears the finding', async () => {
  const h = await startHarness();
  try {
    const [diagnostic] = (await openSource(h)).diagnostics;
    const before = h.calls.count;
    const actions = await h.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.equal(h.calls.count, before + 1, 'code actions re-run the analysis');
    assert.equal(actions.length, 1);
    const [action] = actions;
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.isPreferred, true);
    assert.deepEqual(action.diagnostics, [diagnostic]);
    assert.deepEqual(action.data, {
      kind: 'rust-send-sync/snippets',
      snippets: ['    // SAFETY: ${0:why P is Send}\n'],
    });
    const edits = action.edit?.changes?.[URI] ?? [];
    assert.deepEqual(edits, [
      { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, newText: '    // SAFETY: \n' },
    ]);

    const after = h.nextDiagnostics((p) => p.version === 2);
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    assert.deepEqual((await after).diagnostics, []);
    assert.match(applyEdits(SOURCE, edits), /\n {4}\/\/ SAFETY: \n {4}unsafe impl/);

    // The same request on the fixed text finds nothing to fix: no stale cache.
    const stale = await h.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.deepEqual(stale, []);
  } finally {
    h.close();
  }
});

test('code actions only answer for ranges touching a finding, and only for quickfix kinds', async () => {
  const h = await startHarness();
  try {
    await openSource(h);
    const ask = (line: number, only?: string[]): Promise<CodeAction[]> =>
      h.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: URI },
        range: { start: { line, character: 6 }, end: { line, character: 6 } },
        context: { diagnostics: [], only },
      });
    assert.equal((await ask(6)).length, 1);
    assert.equal((await ask(0)).length, 0);
    assert.equal((await ask(6, ['refactor'])).length, 0);
    assert.equal((await ask(6, ['quickfix'])).length, 1);
  } finally {
    h.close();
  }
});

test('settings: a rule at error, then off, then the extension disabled, each republished', async () => {
  const h = await startHarness();
  try {
    h.settings.value = { rules: { 'missing-safety-comment': 'error' } };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.equal((await openSource(h)).diagnostics[0]?.severity, 1);

    h.settings.value = { rules: { 'missing-safety-comment': 'off' } };
    let next = h.nextDiagnostics();
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await next).diagnostics, []);
    const actions = await h.client.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 6, character: 4 }, end: { line: 6, character: 4 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, [], 'no fix for a rule that is off');

    h.settings.value = { enable: false };
    next = h.nextDiagnostics();
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await next).diagnostics, []);
    assert.equal(
      await h.client.sendRequest('textDocument/hover', {
        textDocument: { uri: URI },
        position: { line: 0, character: 12 },
      }),
      null,
    );

    h.settings.value = {};
    next = h.nextDiagnostics();
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.equal((await next).diagnostics[0]?.severity, 2, 'back to the default');
  } finally {
    h.close();
  }
});

test('an engine that throws is logged and yields empty results, and the server goes on', async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const engine = {
    analyze(text: string) {
      if (text.includes('boom')) throw new Error('boom');
      return { types: [], findings: [], syntaxErrors: 0 };
    },
  };
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), {
    engine: Promise.resolve(engine),
    debounceMs: 0,
    ...nodeWorkspace,
  });
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const logs: string[] = [];
  const published: string[] = [];
  const gotBoth = new Promise<void>((resolve) => {
    client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.push(p.uri);
      if (published.length === 2) resolve();
    });
  });
  client.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  client.listen();
  try {
    await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file:///a.rs', languageId: 'rust', version: 1, text: 'boom' },
    });
    assert.equal(
      await client.sendRequest('textDocument/hover', {
        textDocument: { uri: 'file:///a.rs' },
        position: { line: 0, character: 1 },
      }),
      null,
    );
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file:///b.rs', languageId: 'rust', version: 1, text: 'fine' },
    });
    await gotBoth;
    assert.deepEqual(published, ['file:///a.rs', 'file:///b.rs']);
    assert.ok(
      logs.some((l) => l.includes('analysis of file:///a.rs failed') && l.includes('boom')),
      logs.join('\n'),
    );
  } finally {
    client.dispose();
    toServer.end();
    toClient.end();
  }
});

test('inlay hints: none by default; on with the setting, live, after each name and its generics', async () => {
  const h = await startHarness();
  const text = `${SOURCE}pub struct Wrap<T: Into<Vec<u8>>> { t: T }\n`;
  const hints = () =>
    h.client.sendRequest<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
  try {
    await openSource(h, text);
    assert.deepEqual(await hints(), [], 'off by default');

    h.settings.value = { inlayHints: { enable: true } };
    const refreshes = h.hintRefreshes.count;
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const on = await hints();
    assert.ok(h.hintRefreshes.count > refreshes, 'the client is asked to pull hints again');
    assert.deepEqual(
      on.map((hint) => [hint.position, hint.label]),
      [
        [{ line: 0, character: 14 }, '!Send · !Sync'],
        [{ line: 3, character: 12 }, 'Send · !Sync'],
        [{ line: 8, character: 33 }, 'Send if T: Send · Sync if T: Sync'],
      ],
    );
    assert.equal(on[0].paddingLeft, true);
    const tooltip = (on[0].tooltip as MarkupContent).value;
    assert.ok(tooltip.includes(`- ${RC_REASON}`), tooltip);

    // Only the types whose names are in the asked range.
    const some = await h.client.sendRequest<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: URI },
      range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } },
    });
    assert.deepEqual(
      some.map((hint) => hint.label),
      ['Send · !Sync'],
    );

    h.settings.value = { inlayHints: { enable: false } };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await hints(), [], 'off again');
  } finally {
    h.close();
  }
});
