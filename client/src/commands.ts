// The commands the extension contributes (see package.json `contributes.commands`).
import * as vscode from 'vscode';
import type { ServerController } from './client';

export const COMMANDS = {
  restartServer: 'rustSendSync.restartServer',
  showLog: 'rustSendSync.showLog',
} as const;

export function registerCommands(controller: ServerController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.restartServer, () => controller.restart()),
    vscode.commands.registerCommand(COMMANDS.showLog, () => controller.output.show(true)),
  ];
}
