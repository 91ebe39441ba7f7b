// What the VS Code client and the language server agree on beyond LSP itself: the settings
// section, the custom request, the commands, and the shape of `CodeAction.data` on quick fixes.
// Both sides import this file; it imports nothing, so neither side pulls in the other's code.

/** The settings section (`rustSendSync.*`), also the client's id (`rustSendSync.trace.server`). */
export const SETTINGS_SECTION = 'rustSendSync';

/** Request without parameters: the markdown overview of every type of the workspace's crates. */
export const REPORT_METHOD = 'rustSendSync/report';

/** The commands the extension contributes (package.json `contributes.commands`). */
export const COMMANDS = {
  restartServer: 'rustSendSync.restartServer',
  showLog: 'rustSendSync.showLog',
  showReport: 'rustSendSync.showReport',
} as const;

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
