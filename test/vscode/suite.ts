// The scenarios run inside VS Code (bundled by run.ts, loaded by test-electron, which calls
// `run`). No test framework: each scenario is a function with node:assert, run in order, and the
// first failure rejects. They open examples/src/lib.rs, wait for our diagnostics, hover a struct
// name, and apply the quick fix for a missing SAFETY comment.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

const SOURCE = 'rust-send-sync';
const WAIT_MS = 20_000;

function libUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code was opened on examples/');
  return vscode.Uri.file(join(folder.uri.fsPath, 'src', 'lib.rs'));
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Resolves once `uri` has diagnostics from us that satisfy `accept`; never by polling a timer. */
function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (d: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = ours(uri);
      if (!accept(current)) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolve(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching diagnostics from ${SOURCE} on ${uri.fsPath} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    check();
  });
}

// One diagnostic per impl: the missing SAFETY comment leads it or is one of its other facts.
const isSafetyFinding = (d: vscode.Diagnostic): boolean =>
  (typeof d.code === 'object' ? d.code.value : d.code) === 'missing-safety-comment' ||
  d.message.includes('also missing-safety-comment:');

async function diagnosticsArrive(): Promise<void> {
  const document = await vscode.workspace.openTextDocument(libUri());
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'rust');
  const diagnostics = await waitForDiagnostics(document.uri, (d) => d.some(isSafetyFinding));
  for (const d of diagnostics) {
    assert.equal(typeof d.code, 'object', 'the code links to its docs');
  }
}

async function hoverShowsVerdict(): Promise<void> {
  const document = await vscode.workspace.openTextDocument(libUri());
  const match = /\b(?:struct|enum|union)\s+([A-Za-z_]\w*)/.exec(document.getText());
  assert.ok(match, 'examples/src/lib.rs declares a type');
  const position = document.positionAt(match.index + match[0].length - 1);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    document.uri,
    position,
  );
  const text = hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
  assert.match(text, /\*\*Send\*\*/);
  assert.match(text, /\*\*Sync\*\*/);
}

async function quickFixAddsSafetyComment(): Promise<void> {
  const document = await vscode.workspace.openTextDocument(libUri());
  const editor = await vscode.window.showTextDocument(document);
  const [finding] = ours(document.uri).filter(isSafetyFinding);
  assert.ok(finding, 'a missing SAFETY comment to fix');
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    finding.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const action = actions.find((a) => a.diagnostics?.some(isSafetyFinding) && a.edit !== undefined);
  assert.ok(action?.edit, 'a quick fix with an edit');
  const before = document.lineCount;
  const implLine = finding.range.start.line;
  assert.ok(await vscode.workspace.applyEdit(action.edit));
  assert.ok(document.lineCount > before, 'a line was inserted');
  assert.match(document.lineAt(implLine).text, /^\s*\/\/ SAFETY: /);
  assert.match(document.lineAt(implLine + 1).text, /unsafe impl/);
  await waitForDiagnostics(
    document.uri,
    (d) => !d.some((x) => isSafetyFinding(x) && x.range.start.line === implLine + 1),
  );
  // Leave the example as it was.
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(editor.document.isDirty, false);
}

async function reportCommandOpensMarkdown(): Promise<void> {
  await vscode.commands.executeCommand('rustSendSync.showReport');
  const document = vscode.window.activeTextEditor?.document;
  assert.ok(document, 'the report opened in an editor');
  assert.equal(document.languageId, 'markdown');
  assert.match(document.getText(), /^# Send\/Sync report/);
  assert.match(document.getText(), /`struct MySend<T>`/);
}

const SCENARIOS: [string, () => Promise<void>][] = [
  ['diagnostics arrive for examples/src/lib.rs', diagnosticsArrive],
  ['hover on a type name shows its Send/Sync verdict', hoverShowsVerdict],
  ['the quick fix inserts a SAFETY comment above the impl', quickFixAddsSafetyComment],
  ['the report command opens every type of the crate as markdown', reportCommandOpensMarkdown],
];

export async function run(): Promise<void> {
  const extension = vscode.extensions.all.find(
    (e) => (e.packageJSON as { name?: unknown } | undefined)?.name === 'rust-send-sync',
  );
  assert.ok(extension, 'the extension under test is installed');
  const failures: string[] = [];
  for (const [name, scenario] of SCENARIOS) {
    try {
      await scenario();
      console.log(`ok - ${name}`);
    } catch (error) {
      console.log(`not ok - ${name}: ${error instanceof Error ? error.message : String(error)}`);
      failures.push(name);
    }
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} of ${SCENARIOS.length} scenarios failed: ${failures.join('; ')}`);
}
