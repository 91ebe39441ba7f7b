// The catalogue: every rule, once. A rule's code, words, default level and check come from its
// own file; settings, the CLI's --rule flag, SARIF metadata, diagnostic links and the tests all
// read this list, in its order of importance. Adding a rule: one file in rules/, one entry here, a
// fixture, a README section.
import { arcNotSync } from './arc-not-sync';
import type { RuleContext } from './context';
import { futureNotSend } from './future-not-send';
import { missingBound } from './missing-bound';
import { missingSafetyComment } from './missing-safety-comment';
import { riskyField } from './risky-field';
import type { Hit, Rule, RuleLevel } from './rule';
import { unnecessaryUnsafeImpl } from './unnecessary-unsafe-impl';
import { valueNotSend } from './value-not-send';

/** Most important first: when several rules flag one impl, the first leads its one diagnostic. */
export const RULES = [
  missingBound,
  riskyField,
  missingSafetyComment,
  unnecessaryUnsafeImpl,
  futureNotSend,
  valueNotSend,
  arcNotSync,
] as const;

export type RuleCode = (typeof RULES)[number]['code'];
export const RULE_CODES: readonly RuleCode[] = RULES.map((rule) => rule.code);

/** A rule's hit, with the rule's code. */
export interface Finding extends Hit {
  code: RuleCode;
}

export function ruleFor(code: RuleCode): Rule<RuleCode> {
  return RULES.find((rule) => rule.code === code)!;
}

export function defaultRuleLevels(): Record<RuleCode, RuleLevel> {
  return Object.fromEntries(RULES.map((rule) => [rule.code, rule.defaultLevel])) as Record<RuleCode, RuleLevel>;
}

/** Every rule on one file, findings in source order. */
export function runRules(ctx: RuleContext): Finding[] {
  const findings: Finding[] = RULES.flatMap((rule: Rule<RuleCode>) =>
    rule.check(ctx).map((hit) => ({ code: rule.code, ...hit })),
  );
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return findings;
}
