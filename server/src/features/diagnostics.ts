// Findings become LSP diagnostics, one per `unsafe impl` (rules/group.ts): severity from the
// user's settings (a rule that is off adds nothing), the leading rule's stable code, our own source
// name, the link to its README section, and the fields or methods involved as related places. Also the
// small scheduler that pushes them on open, after each change (debounced) and clears on close.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { FileAnalysis } from '../engine';
import type { Diagnosis } from '../rules/group';
import type { Severity } from '../rules/rule';
import { ruleDocsUrl } from '../present/rule-docs';
import { diagnosesOf, type Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'rust-send-sync';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(diagnosis: Diagnosis, uri: string): Diagnostic {
  return {
    range: diagnosis.range,
    severity: LSP_SEVERITY[diagnosis.severity],
    code: diagnosis.code,
    codeDescription: { href: ruleDocsUrl(diagnosis.code) },
    source: DIAGNOSTIC_SOURCE,
    message: diagnosis.message,
    ...(diagnosis.related.length > 0
      ? {
          relatedInformation: diagnosis.related.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
        }
      : {}),
  };
}

/** The diagnostics to show for one analysis of the document `uri`; empty when the extension is disabled. */
export function computeDiagnostics(analysis: FileAnalysis, settings: Settings, uri: string): Diagnostic[] {
  if (!settings.enable) return [];
  return diagnosesOf(analysis.findings, settings).map((d) => toDiagnostic(d, uri));
}

export interface DiagnosticsScheduler {
  /** Publish soon (after `delayMs` of quiet), or now when `immediately`. */
  schedule(uri: string, immediately?: boolean): void;
  /** Drop any pending publish and send an empty list. */
  clear(uri: string): void;
  dispose(): void;
}

export function createDiagnosticsScheduler(
  publish: (uri: string) => void,
  sendEmpty: (uri: string) => void,
  delayMs: number,
): DiagnosticsScheduler {
  const timers = new Map<string, NodeJS.Timeout>();
  const cancel = (uri: string): void => {
    const timer = timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(uri);
  };
  return {
    schedule(uri, immediately = false) {
      cancel(uri);
      if (immediately || delayMs <= 0) {
        publish(uri);
        return;
      }
      timers.set(
        uri,
        setTimeout(() => {
          timers.delete(uri);
          publish(uri);
        }, delayMs),
      );
    },
    clear(uri) {
      cancel(uri);
      sendEmpty(uri);
    },
    dispose() {
      for (const uri of [...timers.keys()]) cancel(uri);
    },
  };
}
