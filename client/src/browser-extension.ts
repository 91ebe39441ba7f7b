// The extension's entry where there is no Node (package.json `browser`, dist/web/extension.js):
// vscode.dev, github.dev, VS Code's web worker extension host. The server is dist/web/server.js
// in a web worker; its wasm files and the workspace's Cargo files reach it from here, read
// through the editor (its fetch for the extension's own files, its file system for the workspace).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { WASM_MESSAGE_KIND, type WasmMessage } from '../../common/protocol';
import { activateWith } from './activation';
import { feedWorkspaceFiles } from './workspace-files';

export { deactivate } from './activation';

/** One of the extension's own files, read through the extension host's fetch. */
async function readOwnFile(context: vscode.ExtensionContext, path: string): Promise<ArrayBuffer> {
  const uri = vscode.Uri.joinPath(context.extensionUri, ...path.split('/'));
  // The extension host's fetch reads its extensions' files whatever their scheme (https on
  // vscode.dev, vscode-remote on a server). A worker can be started from none of those URLs in
  // every host, nor fetch them, so it gets the script as a blob and the wasm as a message.
  const response = await fetch(uri.toString(true));
  if (!response.ok) throw new Error(`reading ${path} failed: ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  const schemes = new Set(['file', 'untitled', ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme)]);
  return activateWith(context, {
    documentSelector: [...schemes].map((scheme) => ({ scheme, language: 'rust' })),
    async createClient(id, name, options) {
      const [script, parserWasm, rustWasm] = await Promise.all(
        ['dist/web/server.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-rust.wasm'].map((path) =>
          readOwnFile(context, path),
        ),
      );
      const scriptUrl = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
      const worker = new Worker(scriptUrl, { name: 'rust-send-sync language server' });
      // First, before LSP: the server's wasm (see WasmMessage).
      const wasm: WasmMessage = {
        kind: WASM_MESSAGE_KIND,
        files: { 'tree-sitter.wasm': parserWasm, 'tree-sitter-rust.wasm': rustWasm },
      };
      worker.postMessage(wasm, [parserWasm, rustWasm]);
      const client = new LanguageClient(id, name, options, worker);
      const log = (line: string) => options.outputChannel?.appendLine(line);
      return {
        client,
        started: () => feedWorkspaceFiles(client, log),
        stopped() {
          worker.terminate();
          URL.revokeObjectURL(scriptUrl);
        },
      };
    },
  });
}
