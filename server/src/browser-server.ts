// The language server in a web worker (dist/web/server.js, started by the client where there is
// no Node: vscode.dev, github.dev, VS Code's web worker extension host). LSP over the worker's
// messages; the wasm files posted by the client as its first message (common/protocol.ts); the
// workspace's files sent by the client, held in memory. No registry sources are in reach, so a
// dependency's types stay `unknown`, saying why.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { isWasmMessage, type WasmMessage } from '../../common/protocol';
import { createEngine } from './engine';
import { createClientFiles } from './features/client-files';
import { webUriPaths } from './features/web-uris';
import type { WasmFile, WasmLoader } from './syntax/parser';
import { startServer } from './server';

type MessageListener = (event: { data: unknown }) => void;

/**
 * What the worker's messages go through, as much of it as the LSP reader and writer use: the
 * worker's global scope, or a MessagePort in tests.
 */
export interface MessagePortLike {
  onmessage: MessageListener | null;
  addEventListener(type: string, listener: (event: unknown) => void): void;
  postMessage(message: unknown): void;
}

/**
 * The port as the LSP reader sees it, without the wasm message: that one goes to `onWasm`.
 * (The reader takes every message of the port as JSON-RPC.)
 */
function withoutWasmMessage(port: MessagePortLike, onWasm: (message: WasmMessage) => void): MessagePortLike {
  let current: MessageListener | null = null;
  return {
    addEventListener: (type, listener) => port.addEventListener(type, listener),
    postMessage: (message) => port.postMessage(message),
    get onmessage() {
      return current;
    },
    set onmessage(listener) {
      current = listener;
      port.onmessage = (event) => {
        if (isWasmMessage(event.data)) onWasm(event.data);
        else current?.(event);
      };
    },
  };
}

function loaderOf(message: WasmMessage): WasmLoader {
  return (file: WasmFile) => {
    const bytes = message.files[file] as ArrayBuffer | undefined;
    if (!(bytes instanceof ArrayBuffer)) return Promise.reject(new Error(`the client sent no ${file}`));
    return Promise.resolve(new Uint8Array(bytes));
  };
}

/**
 * Node's setImmediate, with which the core yields between crates and coalesces diagnostics: a web
 * worker has none. A message to itself is a task of its own as an immediate is, while a zero
 * timeout nested five deep waits 4 ms: the indexing chains three between slices of 5 ms of work,
 * and with timeouts the worker idled 12 ms every 5. A zero timeout where there is no MessageChannel.
 */
export function provideSetImmediate(scope: { setImmediate?: unknown; clearImmediate?: unknown } = globalThis): void {
  if (typeof scope.setImmediate === 'function') return;
  if (typeof MessageChannel !== 'function') {
    scope.setImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) =>
      setTimeout(callback, 0, ...args);
    scope.clearImmediate = (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle);
    return;
  }
  // As much of the browser's MessageChannel (and Node's) as is used here.
  const channel = new MessageChannel() as unknown as {
    port1: { onmessage: ((event: { data: number }) => void) | null; unref?: () => void };
    port2: { postMessage(message: number): void };
  };
  /** The callbacks posted and not run yet, by number (run in the order posted, as messages come). */
  const pending = new Map<number, () => void>();
  let posted = 0;
  channel.port1.onmessage = (event) => {
    const run = pending.get(event.data);
    pending.delete(event.data);
    run?.();
  };
  // Where Node runs this (tests), the port must not keep the process alive; browsers have no unref.
  channel.port1.unref?.();
  scope.setImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => {
    const handle = ++posted;
    pending.set(handle, () => callback(...args));
    channel.port2.postMessage(handle);
    return handle;
  };
  scope.clearImmediate = (handle: number) => pending.delete(handle);
}

/** Serves LSP over `port` (the worker's own scope when it runs in a worker). */
export function startBrowserServer(port: MessagePortLike): void {
  provideSetImmediate();
  let wasm: WasmMessage | undefined;
  let settle: { resolve(loader: WasmLoader): void; reject(error: Error): void } | undefined;
  const loader = new Promise<WasmLoader>((resolve, reject) => (settle = { resolve, reject }));
  const lsp = withoutWasmMessage(port, (message) => {
    wasm ??= message;
    settle?.resolve(loaderOf(message));
  });
  const connection = createConnection(new BrowserMessageReader(lsp), new BrowserMessageWriter(lsp));
  const clientFiles = createClientFiles();
  startServer(connection, {
    engine: loader.then((load) => createEngine({ wasmDir: load })),
    fileSystem: clientFiles,
    clientFiles,
    uriPaths: webUriPaths,
    runtime: 'web worker',
    // The client posts the wasm before it starts LSP, on the same port: it is here by now, or never.
    onInitialize: () => {
      if (!wasm) settle?.reject(new Error('the client sent no wasm files before initialize'));
    },
  });
}
