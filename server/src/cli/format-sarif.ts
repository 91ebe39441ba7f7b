// `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. One run, the rules from the
// catalogue with their help links, one result per finding.
import { RULE_CODES, RULES } from '../rules';
import type { RuleLevel, Severity } from '../rules/rule';
import { ruleDocsUrl, DOCS_BASE_URL } from '../present/rule-docs';
import { toLocation, type CheckRun, type Location } from './check';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** A rule level as SARIF says it; `off` is `none`. */
function sarifLevel(level: RuleLevel): string {
  return level === 'off' ? 'none' : SARIF_LEVEL[level];
}

function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function buildSarif(run: CheckRun, toolVersion: string): object {
  const rules = RULES.map((rule) => ({
    id: rule.code,
    name: rule.code,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.help },
    helpUri: ruleDocsUrl(rule.code),
    defaultConfiguration: { level: sarifLevel(rule.defaultLevel) },
  }));
  const results = run.files.flatMap((file) => {
    const region = (start: Location, end: Location) => ({
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
    });
    const artifactLocation = { uri: toUri(file.file) };
    return file.findings.map(({ finding, severity, start, end }) => ({
      ruleId: finding.code,
      ruleIndex: RULE_CODES.indexOf(finding.code),
      level: SARIF_LEVEL[severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: { artifactLocation, region: region(start, end) } }],
      // The fields or methods the finding is about (one diagnostic per impl may name several).
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((r, id) => ({
              id,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation,
                region: region(toLocation(file.lines, r.range.start), toLocation(file.lines, r.range.end)),
              },
            })),
          }
        : {}),
    }));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rust-send-sync', version: toolVersion, informationUri: DOCS_BASE_URL, rules } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}

export function formatSarif(run: CheckRun, toolVersion: string): string {
  return `${JSON.stringify(buildSarif(run, toolVersion), null, 2)}\n`;
}
