// SARIF checks for the tests: the official OASIS SARIF 2.1.0 schema (vendored beside this file,
// draft-04, checked with Ajv), and the URI rules the schema cannot say (the SARIF multitool's
// SARIF1004, which GitHub code scanning enforces): a relative reference never starts with a
// slash, every absolute one has a scheme, and every `uriBaseId` is declared with a folder URI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8')) as object;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile(SCHEMA);

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}`;
}

/** Every place a URI of the log is written: artifact locations and the base ids they name. */
function uriProblems(log: unknown): string[] {
  const problems: string[] = [];
  const run = (log as { runs?: { originalUriBaseIds?: Record<string, { uri?: string }> }[] }).runs ?? [];
  const walk = (node: unknown, path: string, bases: Record<string, { uri?: string }>): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}/${i}`, bases));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'artifactLocation' && typeof value === 'object' && value !== null) {
          const { uri, uriBaseId } = value as { uri?: string; uriBaseId?: string };
          const absolute = uri !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(uri);
          if (uri === undefined) problems.push(`${path}/${key}: no uri`);
          else if (!absolute && uri.startsWith('/')) problems.push(`${path}/${key}: relative uri ${uri} starts with /`);
          else if (!absolute && uriBaseId === undefined)
            problems.push(`${path}/${key}: relative uri ${uri} without a uriBaseId`);
          if (uriBaseId !== undefined && bases[uriBaseId] === undefined)
            problems.push(`${path}/${key}: uriBaseId ${uriBaseId} is not in originalUriBaseIds`);
        }
        walk(value, `${path}/${key}`, bases);
      }
    }
  };
  run.forEach((r, i) => {
    const bases = r.originalUriBaseIds ?? {};
    for (const [id, base] of Object.entries(bases))
      if (!(base.uri ?? '').endsWith('/') || !(base.uri ?? '').startsWith('file://'))
        problems.push(`/runs/${i}/originalUriBaseIds/${id}: ${base.uri} is not a file:// folder URI`);
    walk(r, `/runs/${i}`, bases);
  });
  return problems;
}

/** The problems of a SARIF log: schema errors, then URI errors; none when it is valid. */
export function sarifProblems(log: unknown): string[] {
  const schema = validateSchema(log) ? [] : (validateSchema.errors ?? []).map(describe);
  return [...schema, ...uriProblems(log)];
}
