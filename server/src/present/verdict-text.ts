// Turns a TypeReport into words: the compact one-line verdict the CLI prints, the markdown the
// hover shows, and the deduplicated reason list the JSON output carries. One place, so the
// editor and the terminal explain a verdict the same way. Knows nothing of LSP.
import type { AutoTrait, TraitVerdict, TypeReport } from '../model/report';
import { SEND_SYNC_DOCS_URL } from './rule-docs';

const MARKS = { yes: '✓', no: '✗', unknown: '?' } as const;

/** `struct Foo<T>`: how the type reads in its declaration (`struct a::Foo<T>` with its path). */
export function describeType(report: TypeReport, withPath = false): string {
  const generics = report.params.length > 0 ? `<${report.params.join(', ')}>` : '';
  return `${report.kind} ${withPath ? report.path : report.name}${generics}`;
}

/** Where a verdict comes from, when it is not the compiler's auto rule. */
export function describeSource(trait: AutoTrait, verdict: TraitVerdict): string | undefined {
  switch (verdict.source) {
    case 'auto':
      return undefined;
    case 'unsafe-impl':
      return `unsafe impl ${trait}`;
    case 'negative-impl':
      return `impl !${trait}`;
  }
}

/** The union of both verdicts' reasons, in order, without repeats. */
export function mergeReasons(report: TypeReport): string[] {
  return [...new Set([...report.send.reasons, ...report.sync.reasons])];
}

function markdownStatus(trait: AutoTrait, verdict: TraitVerdict): string {
  if (verdict.status === 'conditional') return `**${trait}** if ${verdict.requires.map((r) => `\`${r}\``).join(', ')}`;
  return `**${trait}** ${MARKS[verdict.status]}`;
}

function markdownDetail(trait: AutoTrait, verdict: TraitVerdict): string[] {
  const lines: string[] = [];
  const source = describeSource(trait, verdict);
  if (verdict.status === 'conditional') {
    lines.push(`\`${trait}\` if ${verdict.requires.map((r) => `\`${r}\``).join(' and ')}`);
  }
  if (source !== undefined) lines.push(`\`${trait}\` comes from a manual \`${source}\``);
  return lines;
}

function reasonHeading(trait: AutoTrait, verdict: TraitVerdict): string {
  switch (verdict.status) {
    case 'no':
      return `Not \`${trait}\`:`;
    case 'unknown':
      return `\`${trait}\` unknown:`;
    default:
      return `\`${trait}\`:`;
  }
}

function sameReasons(a: TraitVerdict, b: TraitVerdict): boolean {
  return (
    a.status === b.status && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => r === b.reasons[i])
  );
}

/** The hover: a short verdict line, conditions, reasons as a list, then the docs link. */
/** `withPath`: name the type by its module path (a hover on a mention, away from the declaration). */
export function renderHoverMarkdown(report: TypeReport, withPath = false): string {
  const sections: string[] = [
    `${markdownStatus('Send', report.send)} · ${markdownStatus('Sync', report.sync)} — \`${describeType(report, withPath)}\``,
  ];
  const details = [...markdownDetail('Send', report.send), ...markdownDetail('Sync', report.sync)];
  if (details.length > 0) sections.push(details.join('  \n'));

  const bullets = (reasons: string[]): string => reasons.map((r) => `- ${r}`).join('\n');
  if (report.send.reasons.length > 0 && sameReasons(report.send, report.sync)) {
    const heading =
      report.send.status === 'no'
        ? 'Neither `Send` nor `Sync`:'
        : reasonHeading('Send', report.send).replace('`Send`', '`Send`/`Sync`');
    sections.push(`${heading}\n${bullets(report.send.reasons)}`);
  } else {
    for (const [trait, verdict] of [
      ['Send', report.send],
      ['Sync', report.sync],
    ] as const) {
      if (verdict.reasons.length > 0) sections.push(`${reasonHeading(trait, verdict)}\n${bullets(verdict.reasons)}`);
    }
  }
  sections.push(`[Send and Sync in the Rustonomicon](${SEND_SYNC_DOCS_URL})`);
  return sections.join('\n\n');
}
