// What activating the extension does, on Node and in the browser alike: creates the log channel
// and the server controller, registers the commands, and starts or stops the server as
// `rustSendSync.enable` says, without a window reload. The entries (extension.ts,
// browser-extension.ts) say only how the server runs.
import * as vscode from 'vscode';
import { CLIENT_NAME, createServerController, type ServerController, type ServerLauncher } from './client';
import { registerCommands } from './commands';
import { TYPES_VIEW } from '../../common/protocol';
import { registerTypesView } from './types-view';
import { affectsEnable, isEnabled } from './config';

// The one piece of module state: deactivate() takes no arguments, yet must await the stop.
let controller: ServerController | undefined;

export async function activateWith(context: vscode.ExtensionContext, launcher: ServerLauncher): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME);
  const created = createServerController(output, launcher);
  controller = created;
  context.subscriptions.push(
    output,
    ...registerCommands(created),
    ...registerTypesView(created, TYPES_VIEW),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsEnable(event)) void (isEnabled() ? created.start() : created.stop());
    }),
  );
  // Shows the types view (package.json `views`) once a Rust file has activated the extension.
  void vscode.commands.executeCommand('setContext', 'rustSendSync.active', true);
  if (isEnabled()) await created.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
