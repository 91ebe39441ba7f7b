// One `check` run: collect the files, read and analyse each exactly once, and turn the engine's
// 0-based UTF-16 positions into the 1-based line/column (Unicode characters, as rustc counts)
// that every output format prints. The formats only read the CheckRun built here.
import type { Engine, FileAnalysis } from '../engine';
import type { Position, TypeReport } from '../model/report';
import type { Severity } from '../rules/rule';
import { defaultSettings, diagnosesOf, type Settings } from '../features/settings';
import type { Diagnosis } from '../rules/group';
import type { CheckOptions } from './args';
import type { FileProblem } from './files';

/** 1-based line and column; `column` counts Unicode characters. */
export interface Location {
  line: number;
  column: number;
}

interface CheckedType {
  report: TypeReport;
  at: Location;
}

/** One diagnostic: the findings on one impl, grouped unless `--no-group`. */
export interface CheckedFinding {
  finding: Diagnosis;
  severity: Severity;
  start: Location;
  /** Exclusive, as SARIF's endColumn: one past the last character. */
  end: Location;
}

export interface CheckedFile {
  file: string;
  lines: string[];
  analysis: FileAnalysis;
  types: CheckedType[];
  findings: CheckedFinding[];
}

export interface CheckRun {
  files: CheckedFile[];
  problems: FileProblem[];
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function toLocation(lines: readonly string[], position: Position): Location {
  const line = lines[position.line] ?? '';
  const before = line.slice(0, Math.max(0, position.character));
  return { line: position.line + 1, column: [...before].length + 1 };
}

export function settingsFromOptions(options: CheckOptions): Settings {
  const settings = defaultSettings();
  Object.assign(settings.rules, options.rules);
  if (options.ungrouped) settings.groupFindings = false;
  return settings;
}

/** `denyWarnings` (`--deny warnings`) reports each finding the settings make a warning as an error. */
export function checkText(
  file: string,
  text: string,
  engine: Engine,
  settings: Settings,
  denyWarnings = false,
  warn: (message: string) => void = (message) => void process.stderr.write(`${message}\n`),
): CheckedFile {
  let analysis: FileAnalysis;
  try {
    analysis = engine.analyze(text);
  } catch (error) {
    // The engine promises not to throw; if it does, one file must not stop the others.
    warn(`error: ${file}: analysis failed: ${error instanceof Error ? error.message : String(error)}`);
    analysis = { types: [], findings: [], syntaxErrors: 0 };
  }
  const lines = splitLines(text);
  const findings: CheckedFinding[] = diagnosesOf(analysis.findings, settings).map((diagnosis) => ({
    finding: diagnosis,
    severity: denyWarnings && diagnosis.severity === 'warning' ? 'error' : diagnosis.severity,
    start: toLocation(lines, diagnosis.range.start),
    end: toLocation(lines, diagnosis.range.end),
  }));
  const types = analysis.types.map((report) => ({ report, at: toLocation(lines, report.nameRange.start) }));
  return { file, lines: neededLines(lines, analysis, findings), analysis: outputPart(analysis), types, findings };
}

/**
 * Only the lines the formats print or count columns on (each finding's lines, its related
 * ranges' and each future's line); the others are left as holes, so a run over many files keeps
 * its results, not its sources.
 */
function neededLines(lines: readonly string[], analysis: FileAnalysis, findings: readonly CheckedFinding[]): string[] {
  const kept: string[] = new Array<string>(lines.length);
  const keep = (line: number): void => {
    if (line >= 0 && line < lines.length) kept[line] = lines[line];
  };
  for (const { finding } of findings) {
    for (let line = finding.range.start.line; line <= finding.range.end.line; line++) keep(line);
    for (const related of finding.related) {
      keep(related.range.start.line);
      keep(related.range.end.line);
    }
  }
  for (const future of analysis.futures ?? []) keep(future.nameRange.start.line);
  return kept;
}

/** What the formats read of an analysis (not the hover's mentions and reviews). */
function outputPart(analysis: FileAnalysis): FileAnalysis {
  const { types, findings, futures, syntaxErrors, inactive, skipped } = analysis;
  return {
    types,
    findings,
    syntaxErrors,
    ...(futures !== undefined ? { futures } : {}),
    ...(inactive !== undefined ? { inactive } : {}),
    ...(skipped !== undefined ? { skipped } : {}),
  };
}

/** 2 when anything could not be checked, else 1 when there are findings, else 0. */
export function exitCodeOf(run: CheckRun): number {
  if (run.problems.length > 0) return 2;
  return run.files.some((file) => file.findings.length > 0) ? 1 : 0;
}
