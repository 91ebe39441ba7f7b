// The language client: starts dist/server.js over IPC for Rust files, logs to one output
// channel, reports a failed start visibly (with a button to the log), and turns the server's
// quick-fix insertions into snippet edits so the cursor lands where the justification goes.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
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

export function createServerController(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): ServerController {
  const serverModule = context.asAbsolutePath('dist/server.js');
  let client: LanguageClient | undefined;

  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6012'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'untitled', language: 'rust' },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    synchronize: { configurationSection: SETTINGS_SECTION },
    middleware,
  };

  const start = async (): Promise<void> => {
    if (client !== undefined) return;
    // The id doubles as the settings prefix: the library reads `rustSendSync.trace.server`.
    const created = new LanguageClient(SETTINGS_SECTION, CLIENT_NAME, serverOptions, clientOptions);
    client = created;
    try {
      await created.start();
    } catch (error) {
      client = undefined;
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
    const running = client;
    client = undefined;
    if (running !== undefined)
      await running.stop().catch((error: unknown) => output.appendLine(`Stopping the server failed: ${String(error)}`));
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
