// The overview a reviewer reads before an audit: every struct, enum and union of a crate with its
// Send/Sync verdicts, conditions and reasons, and where manual impls replace the compiler's rule.
// Markdown for people (and the VS Code command), JSON for tools. Knows nothing of LSP.
import type { TraitVerdict, TypeReport } from '../model/report';
import { describeType, mergeReasons, requiresText, verdictFields } from './verdict-text';

export interface ReportEntry {
  /** The file, as the user gave or sees it. */
  file: string;
  report: TypeReport;
}

const cell = (trait: 'Send' | 'Sync', v: TraitVerdict): string => {
  const mark =
    v.status === 'yes'
      ? '✓'
      : v.status === 'no'
        ? '✗'
        : v.status === 'unknown'
          ? '?'
          : `if ${requiresText(v)
              .map((r) => `\`${r}\``)
              .join(', ')}`;
  const source =
    v.source === 'unsafe-impl' ? ` (unsafe impl)` : v.source === 'negative-impl' ? ` (impl !${trait})` : '';
  return `${mark}${source}`;
};

const escape = (s: string) => s.replace(/\|/g, '\\|');

export function renderReportMarkdown(title: string, entries: ReportEntry[]): string {
  const counts = { manual: 0, notSend: 0, notSync: 0, unknown: 0 };
  for (const { report } of entries) {
    if (report.send.source !== 'auto' || report.sync.source !== 'auto') counts.manual++;
    if (report.send.status === 'no') counts.notSend++;
    if (report.sync.status === 'no') counts.notSync++;
    if (report.send.status === 'unknown' || report.sync.status === 'unknown') counts.unknown++;
  }
  const lines = [
    `# Send/Sync report: ${title}`,
    '',
    `${entries.length} types; ${counts.manual} with a manual \`unsafe impl\` or \`impl !\`; ${counts.notSend} not \`Send\`; ${counts.notSync} not \`Sync\`; ${counts.unknown} not fully known.`,
    '',
  ];
  const byFile = new Map<string, ReportEntry[]>();
  for (const e of entries) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, list] of byFile) {
    lines.push(`## ${file}`, '', '| type | Send | Sync | why |', '|---|---|---|---|');
    for (const { report } of list) {
      const reasons = mergeReasons(report);
      lines.push(
        `| \`${escape(describeType(report, true))}\` (line ${report.nameRange.start.line + 1}) | ${escape(cell('Send', report.send))} | ${escape(cell('Sync', report.sync))} | ${escape(reasons.join('<br>'))} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function renderReportJson(entries: ReportEntry[]): string {
  const types = entries.map(({ file, report }) => ({
    file,
    path: report.path,
    name: report.name,
    kind: report.kind,
    params: report.params,
    line: report.nameRange.start.line + 1,
    send: verdictFields(report.send),
    sync: verdictFields(report.sync),
  }));
  return `${JSON.stringify({ types }, null, 2)}\n`;
}
