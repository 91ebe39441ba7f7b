// The client's typed view of its settings. The server reads the rule settings itself (it pulls
// them with workspace/configuration); the client only needs to know whether to run at all.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../common/protocol';

export function isEnabled(): boolean {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>('enable', true);
}

export function affectsEnable(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.enable`);
}
