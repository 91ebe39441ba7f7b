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
): CheckedFile {
  let analysis: FileAnalysis;
  try {
    analysis = engine.analyze(text);
  } catch (error) {
    // The engine promises not to throw; if it does, one file must not stop the others.
    process.stderr.write(
      `error: ${file}: analysis failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
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
  return { file, lines, analysis, types, findings };
}

/** 2 when anything could not be checked, else 1 when there are findings, else 0. */
export function exitCodeOf(run: CheckRun): number {
  if (run.problems.length > 0) return 2;
  return run.files.some((file) => file.findings.length > 0) ? 1 : 0;
}
