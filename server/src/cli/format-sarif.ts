// `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it. One run; the rules from the
// catalogue (PascalCase names, descriptions, help in text and markdown, default levels); one
// result per finding, its file a URI relative to `%SRCROOT%` (the working directory, or the
// files' common folder) or else an absolute `file://` URI, and a fingerprint that survives edits
// elsewhere in the file.
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_CODES, RULES } from '../rules';
import type { RuleLevel, Severity } from '../rules/rule';
import { ruleDocsUrl, DOCS_BASE_URL } from '../present/rule-docs';
import { toLocation, type CheckedFile, type CheckedFinding, type CheckRun, type Location } from './check';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** The key of our own fingerprint; a new version means a new way of computing it. */
const FINGERPRINT_KEY = 'rustSendSync/v1';

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

/** `missing-bound` -> `MissingBound`: SARIF's friendly rule name, distinct from the id. */
function ruleName(code: string): string {
  return code
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Whether `path` (absolute) is `dir` or below it. */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function commonFolder(paths: readonly string[]): string {
  let common = resolve(paths[0], '..');
  while (!paths.every((p) => isInside(common, p))) {
    const up = resolve(common, '..');
    if (up === common) break;
    common = up;
  }
  return common;
}

/**
 * The base the artifact URIs are relative to: the working directory when any file is inside it
 * (the checkout root in CI, which GitHub resolves against the repository), else the files' common
 * folder; none when that is the file system's root.
 */
function sourceRoot(absoluteFiles: readonly string[], cwd: string): string | undefined {
  if (absoluteFiles.length === 0 || absoluteFiles.some((f) => isInside(cwd, f))) return cwd;
  const common = commonFolder(absoluteFiles);
  return resolve(common, '..') === common ? undefined : common;
}

function folderUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

function artifactLocationOf(absolute: string, root: string | undefined): ArtifactLocation {
  if (root !== undefined && isInside(root, absolute)) {
    const uri = relative(root, absolute).split(sep).map(encodeURIComponent).join('/');
    return { uri, uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(absolute).href };
}

/**
 * The impl header a finding is on, as written up to its body, comments dropped and whitespace
 * collapsed: moving the impl, or reformatting it, keeps it; changing its bounds does not.
 */
function implHeaderText(lines: readonly string[], finding: CheckedFinding): string {
  const { start, end } = finding.finding.range;
  const text = lines
    .slice(start.line, end.line + 1)
    .map((line, i) => {
      const to = i === end.line - start.line ? end.character : line.length;
      return line.slice(i === 0 ? start.character : 0, to).replace(/\/\/.*$/, '');
    })
    .join('\n');
  const header = text.replace(/\/\*[\s\S]*?\*\//g, ' ').split('{')[0];
  return header
    .replace(/\s+/g, ' ')
    .replace(/\s*([<>(),:;=+&[\]])\s*/g, '$1')
    .trim();
}

/**
 * Per file: a hash of the rule, the type and the impl header, never of line numbers; a second
 * finding with the same key in one file (a `#[cfg]` twin) gets its ordinal.
 */
function fingerprintsOf(file: CheckedFile): string[] {
  const seen = new Map<string, number>();
  return file.findings.map((checked) => {
    const key = [
      checked.finding.code,
      checked.finding.findings[0]?.typePath ?? '',
      implHeaderText(file.lines, checked),
    ].join('\n');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return n === 0 ? hash : `${hash}:${n}`;
  });
}

function ruleDescriptors() {
  return RULES.map((rule) => {
    const url = ruleDocsUrl(rule.code);
    return {
      id: rule.code,
      name: ruleName(rule.code),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.help },
      help: {
        text: `${rule.help}\n\n${url}`,
        markdown: `**${rule.title}**\n\n${rule.help}\n\n[Read more](${url})`,
      },
      helpUri: url,
      defaultConfiguration: { level: sarifLevel(rule.defaultLevel) },
      properties: { tags: ['concurrency', 'unsafe', 'rust'] },
    };
  });
}

/** `cwd` is where relative paths in `run` start (the process's working directory). */
export function buildSarif(run: CheckRun, toolVersion: string, cwd = process.cwd()): object {
  const absolute = run.files.map((file) => resolve(cwd, file.file));
  const root = sourceRoot(absolute, cwd);
  const results = run.files.flatMap((file, index) => {
    const region = (start: Location, end: Location) => ({
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
    });
    const artifactLocation = artifactLocationOf(absolute[index], root);
    const fingerprints = fingerprintsOf(file);
    return file.findings.map(({ finding, severity, start, end }, at) => ({
      ruleId: finding.code,
      ruleIndex: RULE_CODES.indexOf(finding.code),
      level: SARIF_LEVEL[severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation,
            region: {
              ...region(start, end),
              snippet: { text: file.lines.slice(start.line - 1, end.line).join('\n') },
            },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints[at] },
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
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rust-send-sync',
            version: toolVersion,
            informationUri: DOCS_BASE_URL,
            rules: ruleDescriptors(),
          },
        },
        ...(root !== undefined ? { originalUriBaseIds: { [SRCROOT]: { uri: folderUri(root) } } } : {}),
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}

export function formatSarif(run: CheckRun, toolVersion: string): string {
  return `${JSON.stringify(buildSarif(run, toolVersion), null, 2)}\n`;
}
