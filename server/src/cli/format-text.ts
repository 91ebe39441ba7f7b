// `--format text`, for people: per file, each type's verdict on one clickable `file:line:col:`
// line with its reasons below, then the findings as rustc prints them (message, source line,
// carets, help), then a one-line summary. Colour only when asked for (a terminal, no NO_COLOR).
import type { Severity } from '../rules/rule';
import type { Status, TraitVerdict, TypeReport } from '../model/report';
import { ruleDocsUrl } from '../present/rule-docs';
import { describeSource, describeType, reasonsText, requiresText } from '../present/verdict-text';
import type { CheckedFile, CheckedFinding, CheckRun } from './check';

type Paint = (style: keyof typeof STYLES, text: string) => string;

const STYLES = { bold: '1', red: '1;31', yellow: '1;33', cyan: '1;36', green: '32', dim: '2', blue: '1;34' } as const;

function makePaint(color: boolean): Paint {
  return (style, text) => (color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
}

const SEVERITY_STYLE: Record<Severity, keyof typeof STYLES> = {
  error: 'red',
  warning: 'yellow',
  information: 'cyan',
  hint: 'cyan',
};
const SEVERITY_LABEL: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'info',
  hint: 'hint',
};

function verdictText(trait: 'Send' | 'Sync', v: TraitVerdict, paint: Paint): string {
  const mark: Record<Status, string> = {
    yes: paint('green', '✓'),
    no: paint('red', '✗'),
    unknown: paint('yellow', '?'),
    conditional: `${paint('green', '✓')} if ${requiresText(v).join(', ')}`,
  };
  const source = describeSource(trait, v);
  return `${trait} ${mark[v.status]}${source === undefined ? '' : paint('dim', ` (${source})`)}`;
}

function reasonLines(report: TypeReport): string[] {
  const lines: string[] = [];
  const send = new Set(reasonsText(report.send));
  const sync = new Set(reasonsText(report.sync));
  for (const reason of new Set([...send, ...sync])) {
    const label = send.has(reason) && sync.has(reason) ? '' : send.has(reason) ? 'Send: ' : 'Sync: ';
    lines.push(`    = ${label}${reason}`);
  }
  return lines;
}

function renderTypes(file: CheckedFile, paint: Paint): string[] {
  const out: string[] = [];
  for (const { report, at } of file.types) {
    const where = `${file.file}:${at.line}:${at.column}:`;
    const what = paint('bold', describeType(report, true));
    out.push(
      `${where} ${what}: ${verdictText('Send', report.send, paint)}  ${verdictText('Sync', report.sync, paint)}`,
    );
    out.push(...reasonLines(report));
  }
  return out;
}

function renderFinding(file: CheckedFile, item: CheckedFinding, paint: Paint): string[] {
  const { finding, severity, start, end } = item;
  const label = paint(SEVERITY_STYLE[severity], `${SEVERITY_LABEL[severity]}[${finding.code}]`);
  const out = [
    `${paint('bold', `${file.file}:${start.line}:${start.column}:`)} ${label}: ${paint('bold', finding.findings[0].message)}`,
  ];
  // The other rules' findings on the same impl, as notes below the one that leads.
  const notes = finding.findings.slice(1).map((f) => `${paint('bold', `= also[${f.code}]:`)} ${f.message}`);
  const source = file.lines[start.line - 1];
  if (source !== undefined) {
    const gutter = ' '.repeat(String(start.line).length);
    const chars = [...source];
    const last = end.line === start.line ? Math.max(end.column, start.column + 1) : chars.length + 1;
    const lead = chars
      .slice(0, start.column - 1)
      .map((c) => (c === '\t' ? '\t' : ' '))
      .join('');
    out.push(paint('blue', `${gutter} |`));
    out.push(`${paint('blue', `${start.line} |`)} ${source}`);
    out.push(
      `${paint('blue', `${gutter} |`)} ${lead}${paint(SEVERITY_STYLE[severity], '^'.repeat(Math.max(1, last - start.column)))}`,
    );
    for (const note of notes) out.push(`${gutter} ${note}`);
    for (const fix of finding.fixes) out.push(`${gutter} ${paint('bold', '= help:')} ${fix.title}`);
    out.push(`${gutter} ${paint('bold', '= see:')} ${ruleDocsUrl(finding.code)}`);
  }
  return out;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function renderSummary(run: CheckRun): string {
  const bySeverity = new Map<Severity, number>();
  let types = 0;
  for (const file of run.files) {
    types += file.types.length;
    for (const f of file.findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  }
  const findings = (['error', 'warning', 'information', 'hint'] as const)
    .filter((s) => (bySeverity.get(s) ?? 0) > 0)
    .map((s) => plural(bySeverity.get(s) ?? 0, SEVERITY_LABEL[s] === 'info' ? 'note' : SEVERITY_LABEL[s]));
  const parts = [
    `checked ${plural(run.files.length, 'file')}`,
    plural(types, 'type'),
    findings.length > 0 ? findings.join(', ') : 'no findings',
  ];
  if (run.problems.length > 0) parts.push(`${plural(run.problems.length, 'path')} not checked`);
  return parts.join(', ');
}

export function formatText(run: CheckRun, color: boolean): string {
  const paint = makePaint(color);
  const blocks: string[] = [];
  for (const file of run.files) {
    const lines = renderTypes(file, paint);
    if (file.analysis.syntaxErrors > 0) {
      lines.push(
        `${file.file}: ${paint('cyan', 'note')}: ${plural(file.analysis.syntaxErrors, 'syntax error')} in this file; verdicts near them may be incomplete`,
      );
    }
    for (const finding of file.findings) lines.push('', ...renderFinding(file, finding, paint));
    if (lines.length > 0) blocks.push(lines.join('\n'));
  }
  blocks.push(paint('bold', renderSummary(run)));
  return `${blocks.join('\n\n')}\n`;
}
