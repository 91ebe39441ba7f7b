// The commands the extension contributes (see package.json `contributes.commands`).
import * as vscode from 'vscode';
import { COMMANDS } from '../../common/protocol';
import type { ServerController } from './client';

/** Opens the crate report (every type's verdicts) as a markdown document beside the editor. */
async function showReport(controller: ServerController): Promise<void> {
  const markdown = await controller.report();
  if (markdown === undefined) {
    void vscode.window.showWarningMessage('Rust Send/Sync: the language server is not running.');
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

export function registerCommands(controller: ServerController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.restartServer, () => controller.restart()),
    vscode.commands.registerCommand(COMMANDS.showLog, () => controller.output.show(true)),
    vscode.commands.registerCommand(COMMANDS.showReport, () => showReport(controller)),
  ];
}
