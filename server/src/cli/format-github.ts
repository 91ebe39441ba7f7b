// `--format github`: GitHub Actions workflow commands, one `::error`/`::warning`/`::notice` line
// per finding, which the runner turns into annotations on the pull request's diff. Paths are
// relative to the working directory (the checkout in a workflow); values are escaped as the
// runner unescapes them (actions/toolkit's command.ts).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Severity } from '../rules/rule';
import { ruleDocsUrl } from '../present/rule-docs';
import type { CheckRun } from './check';
import { renderSummary } from './format-text';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  information: 'notice',
  hint: 'notice',
};

/** A command's message: `%`, CR and LF escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property's value: as a message, and `:` and `,` too (they separate properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The path from the working directory, with `/`; an absolute path when the file is outside it. */
function workflowPath(file: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  const rel = relative(cwd, absolute);
  const path = rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return path.split(sep).join('/');
}

export function formatGithub(run: CheckRun, cwd = process.cwd()): string {
  const out: string[] = [];
  for (const file of run.files) {
    const path = workflowPath(file.file, cwd);
    for (const { finding, severity, start, end } of file.findings) {
      const properties = [
        `file=${escapeProperty(path)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
        `title=${escapeProperty(`rust-send-sync ${finding.code}`)}`,
      ].join(',');
      const message = `${finding.message}\nsee ${ruleDocsUrl(finding.code)}`;
      out.push(`::${COMMAND[severity]} ${properties}::${escapeData(message)}`);
    }
  }
  out.push(renderSummary(run));
  return `${out.join('\n')}\n`;
}
