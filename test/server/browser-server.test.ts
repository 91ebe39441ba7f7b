// The web worker's server (server/src/browser-server.ts) over real JSON-RPC on a MessageChannel,
// as the browser client speaks to it: the wasm posted as the first message, the
// workspace's files sent by the client (`rustSendSync/workspaceFiles`) under a `vscode-vfs:`
// folder, hover and diagnostics crate-wide (a type from another file), a change to that file
// sent the same way, the inlay hints, a dependency whose source is not there (unknown, not guessed), and bad
// batches that change nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BrowserMessageReader,
  BrowserMessageWriter,
  createMessageConnection,
  type Hover,
  type InlayHint,
  type MarkupContent,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/browser';
import {
  WASM_MESSAGE_KIND,
  WORKSPACE_FILES_METHOD,
  type WasmMessage,
  type WorkspaceFilesParams,
} from '../../common/protocol';
import { startBrowserServer, type MessagePortLike } from '../../server/src/browser-server';

const ROOT = join(__dirname, '..', '..');
const FOLDER = 'vscode-vfs://github/octo/ring';
const LIB = `${FOLDER}/src/lib.rs`;
const OTHER = `${FOLDER}/src/other.rs`;

const MANIFEST = '[package]\nname = "ring"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nfar = "1"\n';
const LIB_TEXT = [
  'mod other;',
  'use other::Holder;',
  '',
  'pub struct Wrap {',
  '    holder: Holder,',
  '}',
  '',
  'unsafe impl Sync for Wrap {}',
  '',
  'pub struct Plain {',
  '    holder: Holder,',
  '}',
  '',
  'pub struct Remote {',
  '    value: far::Thing,',
  '}',
  '',
].join('\n');
const OTHER_CELL = 'use std::cell::Cell;\n\npub struct Holder {\n    count: Cell<u8>,\n}\n';
const OTHER_ATOMIC = 'use std::sync::atomic::AtomicU8;\n\npub struct Holder {\n    count: AtomicU8,\n}\n';

/** The wasm files as the extension ships them (dist/ holds both), as the client posts them. */
function wasmMessage(): WasmMessage {
  const bytes = (file: string): ArrayBuffer => {
    const buffer = readFileSync(join(ROOT, 'dist', file));
    return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  };
  return {
    kind: WASM_MESSAGE_KIND,
    files: { 'tree-sitter.wasm': bytes('tree-sitter.wasm'), 'tree-sitter-rust.wasm': bytes('tree-sitter-rust.wasm') },
  };
}

interface Session {
  client: MessageConnection;
  logs: string[];
  messages: string[];
  diagnostics: PublishDiagnosticsParams[];
  close(): void;
}

/** The server on one end of a channel; with `wasm`, posted first, as the client does. */
function startSession(wasm?: WasmMessage): Session {
  const { port1, port2 } = new MessageChannel();
  // Node's MessagePort has `onmessage` as a browser's does; its type declarations leave it out.
  startBrowserServer(port1 as unknown as MessagePortLike);
  if (wasm) port2.postMessage(wasm);
  const client = createMessageConnection(new BrowserMessageReader(port2), new BrowserMessageWriter(port2));
  const session: Session = {
    client,
    logs: [],
    messages: [],
    diagnostics: [],
    close() {
      client.dispose();
      port1.close();
      port2.close();
    },
  };
  client.onNotification('window/logMessage', (p: { message: string }) => session.logs.push(p.message));
  client.onNotification('window/showMessage', (p: { message: string }) => session.messages.push(p.message));
  client.onRequest('window/showMessageRequest', (p: { message: string }) => {
    session.messages.push(p.message);
    return null;
  });
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) =>
    session.diagnostics.push(p),
  );
  client.listen();
  return session;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function initialize(session: Session, initializationOptions?: unknown): Promise<void> {
  await session.client.sendRequest('initialize', {
    processId: null,
    rootUri: FOLDER,
    workspaceFolders: [{ uri: FOLDER, name: 'ring' }],
    capabilities: {},
    initializationOptions,
  });
  await session.client.sendNotification('initialized', {});
}

async function hoverText(session: Session, uri: string, line: number, character: number): Promise<string> {
  const hover = await session.client.sendRequest<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  });
  return hover ? (hover.contents as MarkupContent).value : '';
}

/** Hovers until the text matches (the server re-reads a changed crate in its own time). */
async function hoverUntil(
  session: Session,
  uri: string,
  line: number,
  character: number,
  pattern: RegExp,
): Promise<string> {
  let text = '';
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    text = await hoverText(session, uri, line, character);
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the hover never matched ${String(pattern)}: ${text}`);
}

const sendFiles = (session: Session, params: unknown): Promise<void> =>
  session.client.sendNotification(WORKSPACE_FILES_METHOD, params);

test('the web worker server reads a crate sent by the client: hover and diagnostics crate-wide', async () => {
  const session = startSession(wasmMessage());
  try {
    // The client without workspace/configuration: the settings come as initializationOptions.
    await initialize(session, { inlayHints: { enable: true } });
    await waitFor(() => session.logs.some((l) => l.includes('ready (web worker)')), 'the ready line');
    // Nothing is indexed before the client's files arrive: there is no disk to read.
    assert.ok(!session.logs.some((l) => l.startsWith('indexed ')), session.logs.join('\n'));

    // Bad batches change nothing and cost nothing.
    for (const bad of [null, 'files', { files: 'x' }, { files: [{ uri: 5, text: 'x' }], deleted: [7] }])
      await sendFiles(session, bad);

    const files: WorkspaceFilesParams = {
      reset: true,
      files: [
        { uri: `${FOLDER}/Cargo.toml`, text: MANIFEST },
        { uri: LIB, text: LIB_TEXT },
        { uri: OTHER, text: OTHER_CELL },
      ],
    };
    const indexedBefore = (): number => session.logs.filter((l) => l.startsWith('indexed ')).length;
    await sendFiles(session, files);
    await waitFor(() => indexedBefore() > 0, 'the crate indexed');

    await session.client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: LIB, languageId: 'rust', version: 1, text: LIB_TEXT },
    });
    await waitFor(
      () => session.diagnostics.some((d) => d.uri === LIB && d.diagnostics.length > 0),
      'diagnostics for src/lib.rs',
    );
    const published = session.diagnostics.filter((d) => d.uri === LIB).at(-1)?.diagnostics ?? [];
    const onImpl = published.filter((d) => d.range.start.line === 7);
    assert.equal(onImpl.length, 1, JSON.stringify(published));
    assert.equal(onImpl[0].source, 'rust-send-sync');

    // `Plain` holds `Holder`, declared in src/other.rs: its Cell makes Plain !Sync.
    const plain = await hoverText(session, LIB, 9, 12);
    assert.match(plain, /Send\*\* ✓ · \*\*Sync\*\* ✗/, plain);
    assert.match(plain, /Cell/, plain);
    // The inlay hint after `Plain`, crate-wide too.
    const hints = await session.client.sendRequest<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: LIB },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    const label = (hint: InlayHint): string =>
      typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
    const onPlain = hints.filter((h) => h.position.line === 9).map(label);
    assert.deepEqual(
      onPlain.map((l) => l.trim()),
      ['Send · !Sync'],
      JSON.stringify(hints),
    );
    // A dependency whose source the browser cannot see: unknown, with the reason.
    const remote = await hoverText(session, LIB, 13, 12);
    assert.match(remote, /\*\*Send\*\* \? · \*\*Sync\*\* \?/, remote);
    assert.match(
      remote,
      /the source of crate `far` was not found; the browser reads only the workspace's own files/,
      remote,
    );

    // The client sends the changed file: the verdict follows.
    await sendFiles(session, { files: [{ uri: OTHER, text: OTHER_ATOMIC }] });
    await hoverUntil(session, LIB, 9, 12, /Send\*\* ✓ · \*\*Sync\*\* ✓/);

    // The file deleted: `Holder` is no longer known.
    await sendFiles(session, { files: [], deleted: [OTHER] });
    await hoverUntil(session, LIB, 9, 12, /\*\*Send\*\* \? · \*\*Sync\*\* \?[\s\S]*holder: Holder/);
    assert.deepEqual(session.messages, [], 'the server showed an error');
  } finally {
    session.close();
  }
});

test('without the wasm message the web worker server says why and keeps answering', async () => {
  const session = startSession();
  try {
    await initialize(session);
    await waitFor(() => session.messages.length > 0, 'an error message');
    assert.match(session.messages[0], /wasm|tree-sitter/, session.messages[0]);
    await session.client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: LIB, languageId: 'rust', version: 1, text: LIB_TEXT },
    });
    assert.equal(await hoverText(session, LIB, 3, 12), '');
  } finally {
    session.close();
  }
});
