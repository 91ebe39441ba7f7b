// The extension's entry where there is no Node (package.json `browser`, dist/web/extension.js):
// vscode.dev, github.dev, VS Code's web worker extension host. The server is dist/web/server.js
// in a web worker; its wasm files and the workspace's Cargo files reach it from here, read
// through the editor (fetch for the extension's own files, the file system API for the workspace).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateWith } from './activation';
import { feedWorkspaceFiles } from './workspace-files';

export { deactivate } from './activation';

/** One of the extension's own files as a `blob:` URL a worker can load or fetch. */
async function blobUrlOf(context: vscode.ExtensionContext, path: string, type: string): Promise<string> {
  const uri = vscode.Uri.joinPath(context.extensionUri, ...path.split('/'));
  // The extension host's fetch reads its own extensions' files whatever their scheme (https on
  // vscode.dev, vscode-remote on a server); a worker cannot be started from every such URL, nor
  // can it fetch them, so both get the bytes as blobs.
  const response = await fetch(uri.toString(true));
  if (!response.ok) throw new Error(`reading ${path} failed: ${response.status} ${response.statusText}`);
  return URL.createObjectURL(new Blob([await response.arrayBuffer()], { type }));
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  const schemes = new Set(['file', 'untitled', ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme)]);
  return activateWith(context, {
    documentSelector: [...schemes].map((scheme) => ({ scheme, language: 'rust' })),
    async createClient(id, name, options) {
      const urls = await Promise.all([
        blobUrlOf(context, 'dist/web/server.js', 'text/javascript'),
        blobUrlOf(context, 'dist/tree-sitter.wasm', 'application/wasm'),
        blobUrlOf(context, 'dist/tree-sitter-rust.wasm', 'application/wasm'),
      ]);
      const [server, parserWasm, rustWasm] = urls;
      const worker = new Worker(server, { name: 'rust-send-sync language server' });
      const client = new LanguageClient(
        id,
        name,
        {
          ...options,
          initializationOptions: { wasm: { 'tree-sitter.wasm': parserWasm, 'tree-sitter-rust.wasm': rustWasm } },
        },
        worker,
      );
      const log = (line: string) => options.outputChannel?.appendLine(line);
      return {
        client,
        started: () => feedWorkspaceFiles(client, log),
        stopped() {
          worker.terminate();
          for (const url of urls) URL.revokeObjectURL(url);
        },
      };
    },
  });
}
