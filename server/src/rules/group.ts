// One diagnostic per `unsafe impl`: the findings of several rules on the same impl become one,
// led by the most important (the catalogue's order: missing-bound, then risky-field, then
// missing-safety-comment), with the others' facts in its message, every member's quick fixes and
// the places they point at. A rule whose level is `off` adds nothing; with grouping off, each
// finding stands alone. Users see one squiggle on a bad impl, not three.
import type { Range } from '../model/report';
import { RULE_CODES, type Finding, type RuleCode } from './index';
import type { Fix, Related, Severity } from './rule';

export interface Diagnosis {
  /** The leading finding's code. */
  code: RuleCode;
  /** Every code it holds, the leading one first. */
  codes: RuleCode[];
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  related: Related[];
  /** The findings it stands for, the leading one first. */
  findings: Finding[];
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/**
 * Findings to diagnoses, in source order. `severityOf` gives a finding's severity under the
 * user's settings, or undefined when its rule is off (then it adds nothing).
 */
export function groupFindings(
  findings: readonly Finding[],
  severityOf: (finding: Finding) => Severity | undefined,
  grouped = true,
): Diagnosis[] {
  const shown = findings.flatMap((f) => {
    const severity = severityOf(f);
    return severity === undefined ? [] : [{ finding: f, severity }];
  });
  const groups: { finding: Finding; severity: Severity }[][] = [];
  for (const item of shown) {
    const group = grouped ? groups.find((g) => sameRange(g[0].finding.range, item.finding.range)) : undefined;
    if (group) group.push(item);
    else groups.push([item]);
  }
  return groups.map((group) => {
    const members = [...group].sort((a, b) => rank(a.finding.code) - rank(b.finding.code));
    const [lead, ...others] = members;
    const message = [lead.finding.message, ...others.map((o) => `also ${o.finding.code}: ${o.finding.message}`)].join(
      '\n',
    );
    return {
      code: lead.finding.code,
      codes: members.map((m) => m.finding.code),
      severity: lead.severity,
      message,
      range: lead.finding.range,
      fixes: members.flatMap((m) => m.finding.fixes),
      related: members.flatMap((m) => m.finding.related ?? []),
      findings: members.map((m) => m.finding),
    };
  });
}

function rank(code: RuleCode): number {
  return RULE_CODES.indexOf(code);
}
