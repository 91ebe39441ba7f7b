// `--format json`: the documented contract other tools rely on (version 1). Positions are 1-based;
// columns count Unicode characters and endColumn is exclusive. `futures` (every async fn, async
// block and async closure with its Send verdict) was added beside `types` without changing them.
import type { Severity } from '../rules/rule';
import { renderAtom } from '../model/conditions';
import type { FutureKind, Status, TraitVerdict, TypeKind, VerdictSource } from '../model/report';
import { mergeReasons, requiresText } from '../present/verdict-text';
import { toLocation, type CheckRun } from './check';

interface JsonVerdict {
  status: Status;
  requires: string[];
  source: VerdictSource;
}

interface JsonType {
  file: string;
  path: string;
  name: string;
  kind: TypeKind;
  line: number;
  column: number;
  send: JsonVerdict;
  sync: JsonVerdict;
  reasons: string[];
}

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  /** The leading rule's code. */
  code: string;
  /** Every rule code the diagnostic holds (one per impl: its findings of all rules), leading first. */
  codes: string[];
  message: string;
}

interface JsonFuture {
  file: string;
  /** The fn's name; for blocks and closures, the enclosing fn's. */
  name: string;
  kind: FutureKind;
  /** Of the fn's name, or of the `async` keyword. */
  line: number;
  column: number;
  send: { status: Status; requires: string[] };
  reasons: string[];
}

export interface JsonReport {
  version: 1;
  types: JsonType[];
  futures: JsonFuture[];
  diagnostics: JsonDiagnostic[];
}

function verdict(v: TraitVerdict): JsonVerdict {
  return { status: v.status, requires: requiresText(v), source: v.source };
}

export function buildJsonReport(run: CheckRun): JsonReport {
  const types: JsonType[] = [];
  const diagnostics: JsonDiagnostic[] = [];
  const futures: JsonFuture[] = [];
  for (const file of run.files) {
    for (const f of file.analysis.futures ?? []) {
      const at = toLocation(file.lines, f.nameRange.start);
      futures.push({
        file: file.file,
        name: f.name,
        kind: f.kind,
        line: at.line,
        column: at.column,
        send: { status: f.send.status, requires: f.send.requires.map(renderAtom) },
        reasons: f.send.reasons,
      });
    }
    for (const { report, at } of file.types) {
      types.push({
        file: file.file,
        path: report.path,
        name: report.name,
        kind: report.kind,
        line: at.line,
        column: at.column,
        send: verdict(report.send),
        sync: verdict(report.sync),
        reasons: mergeReasons(report),
      });
    }
    for (const { finding, severity, start, end } of file.findings) {
      diagnostics.push({
        file: file.file,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        severity,
        code: finding.code,
        codes: finding.codes,
        message: finding.message,
      });
    }
  }
  return { version: 1, types, futures, diagnostics };
}

export function formatJson(run: CheckRun): string {
  return `${JSON.stringify(buildJsonReport(run), null, 2)}\n`;
}
