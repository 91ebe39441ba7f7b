// What the VS Code client and the language server agree on beyond LSP itself: the settings
// section, the custom request, the commands, and the shape of `CodeAction.data` on quick fixes.
// Both sides import this file; it imports nothing, so neither side pulls in the other's code.

/** The settings section (`rustSendSync.*`), also the client's id (`rustSendSync.trace.server`). */
export const SETTINGS_SECTION = 'rustSendSync';

/** Request without parameters: the markdown overview of every type of the workspace's crates. */
export const REPORT_METHOD = 'rustSendSync/report';

/** Request without parameters: every type of the workspace's crates, for the types view. */
export const TYPES_METHOD = 'rustSendSync/types';

/** One type in the types view: where it is, its verdicts in one line, and why. */
export interface TypeListItem {
  /** The file's URI, to open it. */
  uri: string;
  /** The file as the view shows it (relative to its workspace folder). */
  file: string;
  /** `struct Queue<T>`, by its module path inside the file. */
  title: string;
  /** 0-based line and UTF-16 character of the type's name. */
  line: number;
  character: number;
  /** `Send · !Sync`, `Send if T: Send · Sync?` */
  verdicts: string;
  notSend: boolean;
  notSync: boolean;
  unknown: boolean;
  /** The reasons, one per line, as the hover lists them. */
  reasons: string[];
}

/** The commands the extension contributes (package.json `contributes.commands`). */
export const COMMANDS = {
  restartServer: 'rustSendSync.restartServer',
  showLog: 'rustSendSync.showLog',
  showReport: 'rustSendSync.showReport',
  refreshTypes: 'rustSendSync.refreshTypes',
  filterTypes: 'rustSendSync.filterTypes',
} as const;

/** The types view's id (package.json `contributes.views`). */
export const TYPES_VIEW = 'rustSendSync.types';

// The shape of `CodeAction.data` on our quick fixes: the action's insertions again as snippets,
// one per edit in order. The server writes it; the VS Code client reads it to place the cursor
// where the justification goes. Other editors ignore it and apply the plain text edit.
export const SNIPPET_FIX_KIND = 'rust-send-sync/snippets';

export interface SnippetFixData {
  kind: typeof SNIPPET_FIX_KIND;
  snippets: string[];
}

export function isSnippetFixData(value: unknown): value is SnippetFixData {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, snippets } = value as { kind?: unknown; snippets?: unknown };
  return kind === SNIPPET_FIX_KIND && Array.isArray(snippets) && snippets.every((s) => typeof s === 'string');
}

// Where the server cannot read the workspace itself (the web worker of VS Code for the Web), the
// client reads its Cargo manifests and Rust files through the editor's file system and sends
// them: the whole set once the server is up, then each change as the editor reports it.
export const WORKSPACE_FILES_METHOD = 'rustSendSync/workspaceFiles';

/** Notification: files of the workspace folders, with their text. */
export interface WorkspaceFilesParams {
  /** Files created or changed, each with its whole text. */
  files: { uri: string; text: string }[];
  /** Files deleted. */
  deleted?: string[];
  /** The whole set: every file sent before and not in this one is gone. */
  reset?: boolean;
}

// The web worker cannot read the extension's files, nor fetch them in every host: the client
// reads the two wasm files and posts them to the worker as its first message, before LSP starts.
export const WASM_MESSAGE_KIND = 'rust-send-sync/wasm';

/** The worker's first message: the wasm files' bytes by name. */
export interface WasmMessage {
  kind: typeof WASM_MESSAGE_KIND;
  files: Record<string, ArrayBuffer>;
}

export function isWasmMessage(value: unknown): value is WasmMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, files } = value as { kind?: unknown; files?: unknown };
  return kind === WASM_MESSAGE_KIND && typeof files === 'object' && files !== null;
}
