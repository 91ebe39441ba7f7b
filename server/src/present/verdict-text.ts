// Turns a TypeReport into words: the markdown the hover shows, the conditions and reasons as
// text, and the deduplicated reason list the JSON output carries. One place, so the editor and the
// terminal explain a verdict the same way. Knows nothing of LSP.
import { renderAtom, renderChain } from '../model/conditions';
import type { AutoTrait, FutureReport, TraitVerdict, TypeReport } from '../model/report';
import type { InactiveModule } from '../engine/analysis';
import { SEND_SYNC_DOCS_URL } from './rule-docs';

const MARKS = { yes: '✓', no: '✗', unknown: '?' } as const;

/** The conditions as text: `T: Send`, `R: RawMutex`, `T = u8`. */
export function requiresText(verdict: TraitVerdict): string[] {
  return verdict.requires.map(renderAtom);
}

/** The reason chains as sentences, one per cause. */
export function reasonsText(verdict: TraitVerdict): string[] {
  return verdict.reasons.map((chain) => renderChain(chain));
}

/** A verdict as text fields, in the order the JSON outputs have always used. */
export function verdictFields(verdict: TraitVerdict): {
  status: TraitVerdict['status'];
  requires: string[];
  source: TraitVerdict['source'];
  reasons: string[];
} {
  return {
    status: verdict.status,
    requires: requiresText(verdict),
    source: verdict.source,
    reasons: reasonsText(verdict),
  };
}

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
  return [...new Set([...reasonsText(report.send), ...reasonsText(report.sync)])];
}

function markdownStatus(trait: AutoTrait, verdict: TraitVerdict): string {
  if (verdict.status === 'conditional') return `**${trait}** if ${codeList(requiresText(verdict), ', ')}`;
  return `**${trait}** ${MARKS[verdict.status]}`;
}

function markdownDetail(trait: AutoTrait, verdict: TraitVerdict): string[] {
  const lines: string[] = [];
  const source = describeSource(trait, verdict);
  if (verdict.status === 'conditional') {
    lines.push(`\`${trait}\` if ${codeList(requiresText(verdict), ' and ')}`);
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
  const [ra, rb] = [reasonsText(a), reasonsText(b)];
  return a.status === b.status && ra.length === rb.length && ra.every((r, i) => r === rb[i]);
}

/** `` `a`, `b` `` */
function codeList(items: string[], separator: string): string {
  return items.map((item) => `\`${item}\``).join(separator);
}

function labelPart(trait: AutoTrait, verdict: TraitVerdict): string {
  switch (verdict.status) {
    case 'yes':
      return trait;
    case 'no':
      return `!${trait}`;
    case 'unknown':
      return `${trait}?`;
    case 'conditional':
      return `${trait} if ${requiresText(verdict).join(', ')}`;
  }
}

/** The verdicts in a few characters, as an inlay hint shows them: `Send · !Sync`, `Send if T: Send`. */
export function verdictLabel(report: TypeReport): string {
  return `${labelPart('Send', report.send)} · ${labelPart('Sync', report.sync)}`;
}

/** The hover: a short verdict line, conditions, reasons as a list, then the docs link. */
/** `withPath`: name the type by its module path (a hover on a mention, away from the declaration). */
/** `note`: a last paragraph before the docs link (the file's module is inactive, say). */
export function renderHoverMarkdown(report: TypeReport, withPath = false, note?: string): string {
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
    sections.push(`${heading}\n${bullets(reasonsText(report.send))}`);
  } else {
    for (const [trait, verdict] of [
      ['Send', report.send],
      ['Sync', report.sync],
    ] as const) {
      if (verdict.reasons.length > 0)
        sections.push(`${reasonHeading(trait, verdict)}\n${bullets(reasonsText(verdict))}`);
    }
  }
  if (note !== undefined) sections.push(note);
  sections.push(`[Send and Sync in the Rustonomicon](${SEND_SYNC_DOCS_URL})`);
  return sections.join('\n\n');
}

/**
 * The line a file of an inactive module adds to its hovers: which module this build leaves out,
 * under which `#[cfg]`, and which build the verdicts are of.
 */
export function inactiveModuleText(inactive: InactiveModule): string {
  const why =
    inactive.cfg !== undefined
      ? `is compiled only with \`#[cfg(${inactive.cfg})]\`, which is off`
      : 'is not compiled in this build';
  return `Module \`${inactive.module}\` ${why}: these verdicts are those of a build that compiles it, with every feature on.`;
}

const FUTURE_KINDS = {
  'async-fn': 'async fn',
  'async-block': 'async block',
  'async-closure': 'async closure',
} as const;

/** The hover of a future: whether it is `Send`, on what, and why not (each held value). */
export function renderFutureHoverMarkdown(report: FutureReport): string {
  const what =
    report.kind === 'async-fn' ? `async fn ${report.name}` : `${FUTURE_KINDS[report.kind]} in \`${report.name}\``;
  const title = report.kind === 'async-fn' ? `\`${what}\`` : what;
  const status =
    report.send.status === 'conditional'
      ? `**Send** if ${codeList(report.send.requires.map(renderAtom), ', ')}`
      : `**Send** ${MARKS[report.send.status]}`;
  const sections = [`${status} — the future of ${title}`];
  if (report.send.reasons.length > 0) {
    const heading =
      report.send.status === 'no' ? 'Not `Send`:' : report.send.status === 'unknown' ? '`Send` unknown:' : '`Send`:';
    sections.push(`${heading}\n${report.send.reasons.map((r) => `- ${r}`).join('\n')}`);
  }
  sections.push(`[Send and Sync in the Rustonomicon](${SEND_SYNC_DOCS_URL})`);
  return sections.join('\n\n');
}
