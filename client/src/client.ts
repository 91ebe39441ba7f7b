// The language client, the same for both hosts: starts the server for Rust files (a process on
// Node, a web worker in the browser: the `ServerLauncher` of each entry says how), logs to one
// output channel, reports a failed start visibly (with a button to the log), and turns the
// server's quick-fix insertions into snippet edits so the cursor lands where the justification goes.
import * as vscode from 'vscode';
import type { BaseLanguageClient, DocumentSelector, LanguageClientOptions, Middleware } from 'vscode-languageclient';
import {
  isSnippetFixData,
  REPORT_METHOD,
  SETTINGS_SECTION,
  TYPES_METHOD,
  type TypeListItem,
} from '../../common/protocol';

export const CLIENT_NAME = 'Rust Send/Sync';

/** Replaces an action's plain insertions with the snippets the server sent alongside them. */
function withSnippetEdits(uri: vscode.Uri, action: vscode.CodeAction): vscode.CodeAction {
  const data: unknown = (action as { data?: unknown }).data;
  const edits = action.edit?.get(uri);
  if (!isSnippetFixData(data) || edits?.length !== data.snippets.length || action.edit?.size !== 1) {
    return action;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(
    uri,
    edits.map((textEdit, i) =>
      vscode.SnippetTextEdit.insert(textEdit.range.start, new vscode.SnippetString(data.snippets[i])),
    ),
  );
  action.edit = edit;
  return action;
}

const middleware: Middleware = {
  async provideCodeActions(document, range, context, token, next) {
    const actions = await next(document, range, context, token);
    return actions?.map((action) =>
      action instanceof vscode.CodeAction ? withSnippetEdits(document.uri, action) : action,
    );
  },
};

export interface ServerController {
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** The markdown overview of the workspace crates' types, from the running server. */
  report(): Promise<string | undefined>;
  /** Every type of the workspace crates, from the running server (undefined when it is not). */
  types(): Promise<TypeListItem[] | undefined>;
  readonly output: vscode.OutputChannel;
}

/** How an entry runs the server: which documents it serves, and the client that talks to it. */
export interface ServerLauncher {
  documentSelector: DocumentSelector;
  /** The client, not yet started; `id` doubles as the settings prefix (`rustSendSync.trace.server`). */
  createClient(id: string, name: string, options: LanguageClientOptions): Promise<LaunchedClient>;
}

interface LaunchedClient {
  client: BaseLanguageClient;
  /** Once the client runs: whatever it starts beside it (stopped after the client). */
  started?(): vscode.Disposable;
  /** After the client stopped (a worker to end, URLs to free). */
  stopped?(): void;
}

export function createServerController(output: vscode.OutputChannel, launcher: ServerLauncher): ServerController {
  let client: BaseLanguageClient | undefined;
  let running: { launched: LaunchedClient; beside?: vscode.Disposable } | undefined;

  const clientOptions: LanguageClientOptions = {
    documentSelector: launcher.documentSelector,
    outputChannel: output,
    traceOutputChannel: output,
    synchronize: { configurationSection: SETTINGS_SECTION },
    middleware,
  };

  const start = async (): Promise<void> => {
    if (client !== undefined) return;
    let launched: LaunchedClient | undefined;
    try {
      launched = await launcher.createClient(SETTINGS_SECTION, CLIENT_NAME, clientOptions);
      client = launched.client;
      running = { launched };
      await launched.client.start();
      running.beside = launched.started?.();
    } catch (error) {
      client = undefined;
      running = undefined;
      launched?.stopped?.();
      const message = error instanceof Error ? error.message : String(error);
      output.appendLine(`The language server failed to start: ${message}`);
      const choice = await vscode.window.showErrorMessage(
        `${CLIENT_NAME}: the language server failed to start: ${message}`,
        'Open log',
      );
      if (choice === 'Open log') output.show(true);
    }
  };
  const stop = async (): Promise<void> => {
    const stopping = client;
    const { launched, beside } = running ?? {};
    client = undefined;
    running = undefined;
    beside?.dispose();
    if (stopping !== undefined)
      await stopping
        .stop()
        .catch((error: unknown) => output.appendLine(`Stopping the server failed: ${String(error)}`));
    launched?.stopped?.();
  };
  return {
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async report() {
      return client?.sendRequest<string>(REPORT_METHOD);
    },
    async types() {
      return client?.sendRequest<TypeListItem[]>(TYPES_METHOD);
    },
    output,
  };
}
