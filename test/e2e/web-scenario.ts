// The same extension forced into VS Code's web worker extension host (the profile sets
// `remote.extensionKind` to `web` for it), as in vscode.dev: the log says the server runs in a web
// worker and that the client sent it the crate's files; then hover, inlay hints, a diagnostic and
// its quick fix saved through the editor's file system, a type whose verdict comes from another
// file of the crate (so the crate was read whole, not the open file alone), and a change on disk
// to a file not open, which only the client's file watcher can bring to the worker.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holds, justification, lineOf, missingBoundAt, ours, unjustifiedImpl, waitFor } from './scenario';
import type { Workbench } from './workbench';

export interface WebScenarioResult {
  log: string[];
  hover: string;
  jobHover: string;
  quickFixes: string[];
  inserted: string;
  /** The types view, filtered to the types that are not Send, after jobs.rs changed on disk. */
  rowsAfterChange: string[];
}

const typesView = 'Send/Sync types';
/**
 * The types view's own title-bar button, not the Command Palette: while the view updates, the
 * workbench may close the palette or take the keys typed into it (a flaky run in CI).
 */
const refreshTypes = 'Refresh the Send/Sync types view';

/** Waits for the inlay hint `!Send · !Sync` after `pub struct <name>` in the open editor. */
async function hintNotSendNotSync(workbench: Workbench, name: string): Promise<void> {
  const hinted = new RegExp(`pub struct ${name}\\s*!Send · !Sync`);
  await workbench.waitForLine(
    (lines) => lines.some((l) => hinted.test(l)),
    `the hint \`!Send · !Sync\` after \`${name}\``,
    60_000,
  );
}

export async function runWebScenario(
  workbench: Workbench,
  crateDir: string,
  step: (title: string) => void,
): Promise<WebScenarioResult> {
  const libFile = join(crateDir, 'src', 'lib.rs');
  const original = readFileSync(libFile, 'utf8');
  const implLine = lineOf(original.split('\n'), unjustifiedImpl);

  step('web worker host: Quick Open src/lib.rs');
  await workbench.quickOpen('lib.rs');
  await workbench.waitForLine((lines) => lines.some((l) => l.includes('pub struct Cache')), '`pub struct Cache`');

  step('web worker host: the log says where the server runs and what the client sent it');
  await workbench.runCommand('Rust Send/Sync: Show log');
  const log = await workbench.waitForOutput(
    (lines) =>
      lines.some((l) => l.includes('language server ready (web worker)')) &&
      lines.some((l) => /Sent \d+ workspace files/.test(l)) &&
      lines.some((l) => l.includes('indexed ')),
    'the server ready in a web worker, the files sent and the crate indexed',
  );
  const sent = log.map((l) => /Sent (\d+) workspace files/.exec(l)).find((m) => m !== null);
  // Cargo.toml and the three .rs files of the fixture.
  assert.equal(Number(sent?.[1]), 4, `the client sent ${sent?.[1]} files: ${log.join('\n')}`);
  assert.ok(!log.some((l) => l.includes('Node.js')), 'the log names a Node.js server');
  await workbench.screenshot('web-worker-log');

  step('web worker host: inlay hints and hover `Cache`');
  await workbench.quickOpen('lib.rs');
  await hintNotSendNotSync(workbench, 'Cache');
  const hover = await workbench.hoverWord('Cache', /Send[\s\S]*Sync/);
  assert.match(hover, /Send ✗ · Sync ✗/, hover);
  assert.match(hover, /Rc/, hover);
  await workbench.screenshot('web-hover-cache', { editorOnly: true });
  await workbench.press('Escape');
  await workbench.page.mouse.move(5, 5);

  step('web worker host: the missing-bound problem');
  const problems = await missingBoundAt(workbench, implLine);
  assert.equal(problems.filter((p) => p.line === implLine).length, 1, 'one problem for the impl');
  await workbench.screenshot('web-problems');

  step(`web worker host: Ctrl+. on line ${implLine}, the SAFETY fix, save`);
  await workbench.goTo(implLine, 8);
  const quickFixes = await workbench.openQuickFixes(/SAFETY/);
  assert.ok(
    quickFixes.some((f) => f.includes('T: Send')),
    JSON.stringify(quickFixes),
  );
  await workbench.chooseQuickFix(/SAFETY/);
  await workbench.waitForLine((lines) => {
    const at = lines.findIndex((l) => l.trim() === unjustifiedImpl);
    return at > 0 && /^\s*\/\/ SAFETY:/.test(lines[at - 1] ?? '');
  }, 'a `// SAFETY:` line right above the impl');
  await workbench.page.keyboard.type(justification, { delay: 10 });
  await workbench.press('Escape');
  await workbench.save();
  await waitFor(() => Promise.resolve(readFileSync(libFile, 'utf8') !== original), 'the saved file on disk', 15_000);
  const saved = readFileSync(libFile, 'utf8').split('\n');
  const newImplLine = lineOf(saved, unjustifiedImpl);
  const inserted = saved[newImplLine - 2] ?? '';
  assert.match(inserted, /^\/\/ SAFETY: .*only moved between threads, never shared$/, inserted);
  await workbench.waitForProblems(
    (all) => !ours(all).some((p) => holds(p, 'missing-safety-comment') && p.line === newImplLine),
    'the missing-safety-comment gone after the fix',
    30_000,
  );
  await workbench.screenshot('web-quick-fix-saved', { editorOnly: true });

  step('web worker host: src/jobs.rs, a type whose verdict comes from lib.rs');
  await workbench.quickOpen('jobs.rs');
  await hintNotSendNotSync(workbench, 'Job');
  const jobHover = await workbench.hoverWord('Job', /Cache/);
  assert.match(jobHover, /Send ✗ · Sync ✗/, jobHover);
  assert.match(jobHover, /Cache\.entries: Rc<Vec<u8>>/, jobHover);
  await workbench.screenshot('web-hover-job', { editorOnly: true });
  await workbench.press('Escape');
  await workbench.page.mouse.move(5, 5);

  // A change on disk reaches the worker only through the client's file watcher (the file is not
  // open, so no editor sends it): the types view, filtered to the types that are not Send, loses `Job`.
  step('web worker host: jobs.rs changed on disk, closed in the editor: the types view follows');
  await workbench.press('Control+W');
  await workbench.runCommand('Explorer: Focus on Send/Sync types View');
  await workbench.runCommandAndPick(
    'Rust Send/Sync: Filter the Send/Sync types view',
    'types that are never `Send`',
    'Not Send',
  );
  const hasJob = (rows: string[]): boolean => rows.some((r) => /^struct (jobs::)?Job\b/.test(r));
  await workbench.refreshViewUntil(typesView, refreshTypes, hasJob, 'the row `struct Job` (not Send)');
  const jobsFile = join(crateDir, 'src', 'jobs.rs');
  const jobs = readFileSync(jobsFile, 'utf8');
  assert.ok(jobs.includes('pub cache: Cache,'), 'jobs.rs holds `pub cache: Cache,`');
  writeFileSync(jobsFile, jobs.replace('pub cache: Cache,', 'pub cache: std::sync::Arc<u64>,'));
  const rows = await workbench.refreshViewUntil(
    typesView,
    refreshTypes,
    (now) => !hasJob(now) && now.some((r) => r.startsWith('struct Cache')),
    '`Job` (now Send) gone, `Cache` still there',
  );
  await workbench.screenshot('web-types-view-after-change');
  return { log, hover, jobHover, quickFixes, inserted, rowsAfterChange: rows };
}
