// Findings become LSP diagnostics, one per `unsafe impl` (rules/group.ts): severity from the
// user's settings (a rule that is off adds nothing), the leading rule's stable code, our own source
// name, the link to its README section, and the fields or methods involved as related places. Also the
// small scheduler that pushes them on open, after each change (at once when the file's analysis is
// cheap, after a short quiet when it is slow) and clears on close.
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
  /**
   * Publish soon, or now when `immediately` (an open, a change of settings): after an edit, on
   * the next turn of the event loop when the file's edits are analysed cheaply (or have not been
   * measured yet), else after `delayMs` of quiet (edits arriving faster than the analysis runs
   * are coalesced).
   */
  schedule(uri: string, immediately?: boolean): void;
  /**
   * How long the file's analysis after an edit took, in ms: what decides whether to wait. (An
   * open's is a fresh analysis of the whole file, several times an edit's: not measured.)
   */
  measured(uri: string, ms: number): void;
  /** Drop any pending publish and send an empty list. */
  clear(uri: string): void;
  dispose(): void;
}

/**
 * An analysis at most this long (ms) is published as soon as the edit is in, without a wait:
 * edits that arrive while it runs queue up and are coalesced into the next one anyway. Only a
 * slower analysis waits for a pause in typing, so that it does not hold the server on every key.
 */
export const CHEAP_ANALYSIS_MS = 50;

/** How many recent analysis times of a file the estimate of the next one reads. */
const COST_SAMPLES = 5;

/**
 * The upper median of a file's recent analysis times: one slow analysis (a collection, a rare
 * edit that walks every fn) does not make a cheap file wait. 0 when none was measured yet.
 */
function expectedCost(recent: readonly number[] | undefined): number {
  if (recent === undefined || recent.length === 0) return 0;
  const sorted = [...recent].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

type Pending = { kind: 'soon'; handle: NodeJS.Immediate } | { kind: 'later'; handle: NodeJS.Timeout };

export function createDiagnosticsScheduler(
  publish: (uri: string, afterEdit: boolean) => void,
  sendEmpty: (uri: string) => void,
  delayMs: number,
): DiagnosticsScheduler {
  const pending = new Map<string, Pending>();
  /** The last few analysis times of each file: their median is what the next one is expected to cost. */
  const costs = new Map<string, number[]>();
  const cancel = (uri: string): void => {
    const p = pending.get(uri);
    if (p?.kind === 'soon') clearImmediate(p.handle);
    else if (p?.kind === 'later') clearTimeout(p.handle);
    pending.delete(uri);
  };
  const fire = (uri: string) => () => {
    pending.delete(uri);
    publish(uri, true);
  };
  return {
    schedule(uri, immediately = false) {
      cancel(uri);
      if (immediately || delayMs <= 0) {
        publish(uri, !immediately);
        return;
      }
      // The changes already queued behind this one are read before an immediate fires. A file
      // whose edits were never measured is published at once: its first edit measures it.
      if (expectedCost(costs.get(uri)) <= CHEAP_ANALYSIS_MS)
        pending.set(uri, { kind: 'soon', handle: setImmediate(fire(uri)) });
      else pending.set(uri, { kind: 'later', handle: setTimeout(fire(uri), delayMs) });
    },
    measured(uri, ms) {
      const recent = costs.get(uri) ?? [];
      // A cached answer (under a millisecond) says nothing of the cost: it repeats the last time,
      // so that republishing the same version does not make a slow file look cheap.
      recent.push(ms < 1 ? (recent.at(-1) ?? ms) : ms);
      if (recent.length > COST_SAMPLES) recent.shift();
      costs.set(uri, recent);
    },
    clear(uri) {
      cancel(uri);
      costs.delete(uri);
      sendEmpty(uri);
    },
    dispose() {
      for (const uri of [...pending.keys()]) cancel(uri);
    },
  };
}
