// The extension's entry on Node (package.json `main`, dist/extension.js): the server is
// dist/server.js, a Node process spoken to over IPC, reading the workspace from disk.
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateWith } from './activation';

export { deactivate } from './activation';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6012'] },
    },
  };
  return activateWith(context, {
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'untitled', language: 'rust' },
    ],
    createClient: (id, name, options) =>
      Promise.resolve({ client: new LanguageClient(id, name, serverOptions, options) }),
  });
}
