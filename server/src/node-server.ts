// The language server as a Node process (dist/server.js, and `rust-send-sync --stdio`): the
// connection named by the command line, the wasm files from a folder, Cargo projects read from
// disk, documents by `file:` URI.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import { nodeFileSystem } from './cargo/node-fs';
import { createEngine } from './engine';
import type { UriPaths } from './features/workspace';
import { startServer, type ServerDependencies } from './server';

/** `file:` URIs and the paths they name; any other scheme names no file on disk. */
const fileUriPaths: UriPaths = {
  toPath(uri) {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
  toUri: (path) => pathToFileURL(path).href,
};

/** What the server reads on Node: the real file system, `file:` URIs, the process environment. */
export const nodeWorkspace: Pick<ServerDependencies, 'fileSystem' | 'uriPaths' | 'env' | 'runtime'> = {
  fileSystem: nodeFileSystem,
  uriPaths: fileUriPaths,
  env: process.env,
  runtime: `Node.js ${process.version}`,
};

/**
 * Starts the server on the transport named by the command line (`--stdio`, `--node-ipc`,
 * `--socket=N`, `--pipe=NAME`), loading the wasm files from `wasmDir`.
 */
export function runLanguageServer(wasmDir: string): void {
  // In --stdio mode createConnection routes console.* to the client's log, so nothing but the
  // protocol reaches stdout.
  const connection = createConnection();
  startServer(connection, { engine: createEngine({ wasmDir }), ...nodeWorkspace });
}
