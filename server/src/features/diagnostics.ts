// Findings become LSP diagnostics: severity from the user's settings (or dropped when the rule is
// off), a stable code, our own source name and the link to the rule's README section. Also the
// small scheduler that pushes them on open, after each change (debounced) and clears on close.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { FileAnalysis } from '../engine';
import type { Finding } from '../rules';
import type { Severity } from '../rules/rule';
import { ruleDocsUrl } from '../present/rule-docs';
import { findingSeverity, type Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'rust-send-sync';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function findingToDiagnostic(finding: Finding, severity: Severity): Diagnostic {
  return {
    range: finding.range,
    severity: LSP_SEVERITY[severity],
    code: finding.code,
    codeDescription: { href: ruleDocsUrl(finding.code) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
}

/** The diagnostics to show for one analysis; empty when the extension is disabled. */
export function computeDiagnostics(analysis: FileAnalysis, settings: Settings): Diagnostic[] {
  if (!settings.enable) return [];
  const diagnostics: Diagnostic[] = [];
  for (const finding of analysis.findings) {
    const severity = findingSeverity(finding, settings);
    if (severity !== undefined) diagnostics.push(findingToDiagnostic(finding, severity));
  }
  return diagnostics;
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
