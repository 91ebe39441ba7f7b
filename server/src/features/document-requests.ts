// The client's questions about one open document, hover, inlay hints and quick fixes, answered from the
// document's analysis as it is now under the current settings (nothing for a document that is
// not Rust, or is skipped for its size).
import type {
  CodeAction,
  CodeActionParams,
  Hover,
  HoverParams,
  InlayHint,
  InlayHintParams,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine';
import { analyzeSafely, skipReason, type AnalysisCache, type Logger } from './analysis';
import { computeCodeActions } from './code-actions';
import { computeHover } from './hover';
import { computeInlayHints } from './inlay-hints';
import type { Settings } from './settings';
import type { WorkspaceIndex } from './workspace';

export interface DocumentRequestContext {
  engine: Promise<Engine>;
  cache: Promise<AnalysisCache>;
  workspace: Promise<WorkspaceIndex | undefined>;
  settings: () => Promise<Settings>;
  /** The open Rust document with this uri, if any. */
  rustDocument: (uri: string) => TextDocument | undefined;
  logger: Logger;
}

export async function hoverAt(context: DocumentRequestContext, params: HoverParams): Promise<Hover | null> {
  const [analyses, current] = await Promise.all([context.cache, context.settings()]);
  const document = context.rustDocument(params.textDocument.uri);
  if (document === undefined || !current.enable) return null;
  return computeHover(analyses.get(document, current), params.position);
}

/** None unless the user turned them on (`inlayHints.enable`). */
export async function inlayHintsFor(context: DocumentRequestContext, params: InlayHintParams): Promise<InlayHint[]> {
  const [analyses, current] = await Promise.all([context.cache, context.settings()]);
  const document = context.rustDocument(params.textDocument.uri);
  if (document === undefined || !current.enable || !current.inlayHints) return [];
  return computeInlayHints(analyses.get(document, current), document, params.range);
}

export async function codeActionsFor(context: DocumentRequestContext, params: CodeActionParams): Promise<CodeAction[]> {
  const [loaded, analyses, index, current] = await Promise.all([
    context.engine,
    context.cache,
    context.workspace,
    context.settings(),
  ]);
  const document = context.rustDocument(params.textDocument.uri);
  if (document === undefined || skipReason(document, current) !== undefined) return [];
  // Stateless for a file alone: the fix is rebuilt from the text as it is now. A crate's file
  // needs its crate: its analysis is cached per revision of the crate's texts.
  const analysis = index?.owns(document)
    ? analyses.get(document, current)
    : analyzeSafely(loaded, document.getText(), context.logger, document.uri);
  return computeCodeActions(analysis, params, current);
}
