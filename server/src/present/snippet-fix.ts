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
