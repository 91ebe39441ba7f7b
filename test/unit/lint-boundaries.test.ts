// The floors in eslint.config.mjs bite: imports that climb a floor, or reach a package the floor
// may not know, are errors; and no eslint-disable comment goes without its reason. Each case lints
// a snippet in place of an existing file of that floor (the type-aware rules need a file that
// tsconfig.json includes; the file on disk is not read or changed).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function errorsOf(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  assert.ok(result, 'one result for one text');
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

function assertHas(errors: string[], rule: string): void {
  assert.ok(
    errors.some((e) => e.startsWith(`${rule}:`)),
    `expected ${rule} among: ${errors.join('; ') || 'none'}`,
  );
}

test('model/ may not import engine/', async () => {
  const errors = await errorsOf(
    "import { createEngine } from '../engine';\nexport const e = createEngine;\n",
    'server/src/model/cfg.ts',
  );
  assertHas(errors, 'import-x/no-restricted-paths');
});

test('model/ may import syntax/', async () => {
  const errors = await errorsOf(
    "import { namedChildren } from '../syntax/parser';\nexport const n = namedChildren;\n",
    'server/src/model/cfg.ts',
  );
  assert.deepEqual(errors, []);
});

test('nothing in features/ imports vscode', async () => {
  const errors = await errorsOf(
    "import * as vscode from 'vscode';\nexport const w = vscode.window;\n",
    'server/src/features/hover.ts',
  );
  assertHas(errors, '@typescript-eslint/no-restricted-imports');
});

test('rules/ may not import vscode-languageserver; features/ may', async () => {
  const code =
    "import { DiagnosticSeverity } from 'vscode-languageserver';\nexport const s = DiagnosticSeverity.Error;\n";
  assertHas(await errorsOf(code, 'server/src/rules/rule.ts'), '@typescript-eslint/no-restricted-imports');
  assert.deepEqual(await errorsOf(code, 'server/src/features/hover.ts'), []);
});

test('the client never imports server/', async () => {
  const errors = await errorsOf(
    "import { createEngine } from '../../server/src/engine';\nexport const e = createEngine;\n",
    'client/src/config.ts',
  );
  assertHas(errors, 'import-x/no-restricted-paths');
});

test('a disable comment needs its reason', async () => {
  const code = 'export function f(x: unknown): boolean {\n  // eslint-disable-next-line eqeqeq\n  return x == 1;\n}\n';
  const errors = await errorsOf(code, 'server/src/model/cfg.ts');
  assertHas(errors, '@eslint-community/eslint-comments/require-description');
  const described = code.replace('eqeqeq\n', 'eqeqeq -- loose on purpose\n');
  assert.deepEqual(await errorsOf(described, 'server/src/model/cfg.ts'), []);
});

test('the shared server core imports nothing of Node: the web worker runs it too', async () => {
  for (const file of ['server/src/server.ts', 'server/src/features/workspace.ts']) {
    const errors = await errorsOf("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", file);
    assertHas(errors, '@typescript-eslint/no-restricted-imports');
  }
  const errors = await errorsOf(
    "import { createConnection } from 'vscode-languageserver/node';\nexport const c = createConnection;\n",
    'server/src/server.ts',
  );
  assertHas(errors, '@typescript-eslint/no-restricted-imports');
});

test('the web worker entry may not reach the Node entry or its file system', async () => {
  const errors = await errorsOf(
    "import { nodeFileSystem } from './cargo/node-fs';\nexport const f = nodeFileSystem;\n",
    'server/src/browser-server.ts',
  );
  assertHas(errors, 'import-x/no-restricted-paths');
  const ok = await errorsOf(
    "import { createConnection } from 'vscode-languageserver/browser';\nexport const c = createConnection;\n",
    'server/src/browser-server.ts',
  );
  assert.deepEqual(ok, []);
});
