// The language server in a web worker (dist/web/server.js, started by the client where there is
// no Node: vscode.dev, github.dev, VS Code's web worker extension host). LSP over the worker's
// messages; the wasm files fetched from the URLs the client gives in `initializationOptions.wasm`
// (the extension's own files); the workspace's files sent by the client, held in memory. No
// registry sources are in reach, so a dependency's types stay `unknown`, saying why.
import {
  BrowserMessageReader,
  BrowserMessageWriter,
  createConnection,
  type InitializeParams,
} from 'vscode-languageserver/browser';
import { createEngine } from './engine';
import { createClientFiles } from './features/client-files';
import { webUriPaths } from './features/web-uris';
import type { WasmFile, WasmLoader } from './syntax/parser';
import { startServer } from './server';

/** What the worker's messages go through: the worker's global scope, or a MessagePort in tests. */
type MessagePortLike = ConstructorParameters<typeof BrowserMessageReader>[0];

/** Where the client said the wasm files are: `initializationOptions.wasm[file]`, a URL each. */
function wasmLoaderFrom(params: InitializeParams): WasmLoader {
  const options: unknown = params.initializationOptions;
  const urls: unknown =
    typeof options === 'object' && options !== null ? (options as { wasm?: unknown }).wasm : undefined;
  return async (file: WasmFile) => {
    const url: unknown =
      typeof urls === 'object' && urls !== null ? (urls as Record<string, unknown>)[file] : undefined;
    if (typeof url !== 'string') throw new Error(`the client gave no URL for ${file} (initializationOptions.wasm)`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching ${file} failed: ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

/**
 * Node's setImmediate, with which the core yields between crates and coalesces diagnostics: a web
 * worker has none, and a zero timeout does the same there.
 */
function provideSetImmediate(): void {
  const scope = globalThis as { setImmediate?: unknown; clearImmediate?: unknown };
  if (typeof scope.setImmediate === 'function') return;
  scope.setImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => setTimeout(callback, 0, ...args);
  scope.clearImmediate = (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle);
}

/** Serves LSP over `port` (the worker's own scope when it runs in a worker). */
export function startBrowserServer(port: MessagePortLike): void {
  provideSetImmediate();
  const connection = createConnection(new BrowserMessageReader(port), new BrowserMessageWriter(port));
  let provideLoader: (loader: WasmLoader) => void = () => undefined;
  const loader = new Promise<WasmLoader>((resolve) => (provideLoader = resolve));
  const clientFiles = createClientFiles();
  startServer(connection, {
    engine: loader.then((load) => createEngine({ wasmDir: load })),
    fileSystem: clientFiles,
    clientFiles,
    uriPaths: webUriPaths,
    runtime: 'web worker',
    onInitialize: (params) => provideLoader(wasmLoaderFrom(params)),
  });
}
