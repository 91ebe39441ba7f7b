// Quick fixes from each finding's `fixes`, rebuilt from a fresh analysis of the current text on
// every request (no cache of earlier results), matched to the requested range. Each action carries
// the plain-text edit every editor can apply, and in `data` the same insertions as snippets, which
// the VS Code client turns into snippet edits (cursor placed where the justification goes).
import { CodeActionKind, TextEdit, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { FileAnalysis } from '../engine';
import { SNIPPET_FIX_KIND, type SnippetFixData } from '../../../common/protocol';
import { toDiagnostic } from './diagnostics';
import { rangeContains } from './hover';
import { diagnosesOf, type Settings } from './settings';

function overlaps(a: CodeActionParams['range'], b: CodeActionParams['range']): boolean {
  return rangeContains(a, b.start) || rangeContains(a, b.end) || rangeContains(b, a.start);
}

export function computeCodeActions(analysis: FileAnalysis, params: CodeActionParams, settings: Settings): CodeAction[] {
  if (!settings.enable) return [];
  const only = params.context.only;
  if (only !== undefined && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];

  const actions: CodeAction[] = [];
  for (const diagnosis of diagnosesOf(analysis.findings, settings)) {
    if (!overlaps(diagnosis.range, params.range)) continue;
    const diagnostic = toDiagnostic(diagnosis, params.textDocument.uri);
    for (const [index, fix] of diagnosis.fixes.entries()) {
      if (fix.insertions.length === 0) continue;
      const data: SnippetFixData = {
        kind: SNIPPET_FIX_KIND,
        snippets: fix.insertions.map((insertion) => insertion.snippet ?? escapeSnippet(insertion.text)),
      };
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: {
          changes: {
            [params.textDocument.uri]: fix.insertions.map((insertion) =>
              TextEdit.insert(insertion.position, insertion.text),
            ),
          },
        },
        data,
      });
    }
  }
  return actions;
}

/** Plain text as a snippet that inserts exactly that text. */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}
