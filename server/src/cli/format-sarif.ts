// `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. One run, the rules from
// present/rule-docs with their help links, one result per finding.
import { RULE_CODES, type Severity } from '../model/report';
import { RULE_DOCS, ruleDocsUrl, DOCS_BASE_URL } from '../present/rule-docs';
import { DEFAULT_RULE_LEVEL } from '../features/settings';
import type { CheckRun } from './check';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function buildSarif(run: CheckRun, toolVersion: string): object {
  const rules = RULE_CODES.map((code) => ({
    id: code,
    name: code,
    shortDescription: { text: RULE_DOCS[code].title },
    fullDescription: { text: RULE_DOCS[code].help },
    helpUri: ruleDocsUrl(code),
    defaultConfiguration: { level: DEFAULT_RULE_LEVEL === 'off' ? 'none' : SARIF_LEVEL[DEFAULT_RULE_LEVEL] },
  }));
  const results = run.files.flatMap((file) =>
    file.findings.map(({ finding, severity, start, end }) => ({
      ruleId: finding.code,
      ruleIndex: RULE_CODES.indexOf(finding.code),
      level: SARIF_LEVEL[severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(file.file) },
            region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
          },
        },
      ],
    })),
  );
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
