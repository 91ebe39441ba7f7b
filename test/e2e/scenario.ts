// What a Rust programmer does with the extension on the fixture crate, step by step, and what each
// step must show: hover verdict, Problems panel, the SAFETY quick fix saved to disk, a squiggle
// that comes with an edit and goes with undo, and an async fn's `!Send` hover with its
// future-not-send problem at the spawn call. Line numbers are found in the fixture's text, so
// editing the fixture does not silently break the test.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatProblems, type Problem, type Workbench } from './workbench';

const source = 'rust-send-sync';
export const unjustifiedImpl = 'unsafe impl<T> Send for MySend<T> {}';
const typedImpl = 'unsafe impl Sync for Cache {}';
export const justification = 'only moved between threads, never shared';

export interface ScenarioResult {
  hover: string;
  futureHover: string;
  futureProblems: Problem[];
  problems: Problem[];
  quickFixes: string[];
  inserted: string[];
}

export function lineOf(lines: readonly string[], text: string): number {
  const index = lines.findIndex((line) => line.trim() === text);
  assert.ok(index >= 0, `the fixture has no line \`${text}\``);
  return index + 1;
}

export const ours = (problems: readonly Problem[]): Problem[] => problems.filter((p) => p.source === source);
// One diagnostic per impl: a rule's finding leads it (its code) or is one of its other facts.
export const holds = (p: Problem, code: string): boolean => p.code === code || p.message.includes(`also ${code}:`);

/** Opens the Problems panel and waits for a `missing-bound` at `line`: then our problems, printed. */
export async function missingBoundAt(workbench: Workbench, line: number): Promise<Problem[]> {
  await workbench.openProblems();
  const problems = ours(
    await workbench.waitForProblems(
      (all) => ours(all).some((p) => p.code === 'missing-bound' && p.line === line),
      `a missing-bound at line ${line}`,
    ),
  );
  console.log(formatProblems(problems));
  return problems;
}

export async function runScenario(
  workbench: Workbench,
  libFile: string,
  step: (title: string) => void,
): Promise<ScenarioResult> {
  const original = readFileSync(libFile, 'utf8');
  const originalLines = original.split('\n');
  const implLine = lineOf(originalLines, unjustifiedImpl);

  step('Quick Open src/lib.rs');
  await workbench.quickOpen('lib.rs');
  await workbench.waitForLine((lines) => lines.some((l) => l.includes('pub struct Cache')), '`pub struct Cache`');
  const mode = await workbench.languageMode();
  assert.equal(mode, 'Rust', `the status bar shows language mode ${JSON.stringify(mode)}, not Rust`);
  await workbench.screenshot('opened-lib-rs');

  step('inlay hints after the type names (the profile turns them on)');
  await workbench.waitForLine(
    (lines) =>
      lines.some((l) => /pub struct Cache\s*!Send · !Sync/.test(l)) &&
      lines.some((l) => /pub struct Container\s*Send · Sync/.test(l)),
    'the hints `!Send · !Sync` after `Cache` and `Send · Sync` after `Container`',
    60_000,
  );
  await workbench.screenshot('inlay-hints', { editorOnly: true });

  step('hover `Cache` (holds an Rc)');
  const hover = await workbench.hoverWord('Cache', /Send[\s\S]*Sync|Sync[\s\S]*Send/);
  const firstLine = hover.split('\n').find((l) => l.trim() !== '') ?? '';
  assert.ok(
    firstLine.includes('Send') && firstLine.includes('Sync'),
    `the hover's first line gives no verdict: ${JSON.stringify(firstLine)}`,
  );
  assert.match(hover, /Rc/, 'the hover says why: the `Rc` field');
  assert.match(hover, /✗|not|no\b/i, 'the hover says Cache is not Send/Sync');
  await workbench.screenshot('hover-cache', { editorOnly: true });
  await workbench.press('Escape');
  await workbench.page.mouse.move(5, 5);

  step('open the Problems panel (Ctrl+Shift+M)');
  // MySend's impl lacks both its bound and its SAFETY comment: one problem, led by missing-bound.
  const problems = await missingBoundAt(workbench, implLine);
  assert.equal(
    problems.filter((p) => p.line === implLine).length,
    1,
    `one problem for \`${unjustifiedImpl}\`, not one per rule`,
  );
  const justified = lineOf(originalLines, 'unsafe impl<T: Send> Sync for Slot<T> {}');
  assert.ok(!problems.some((p) => p.line === justified), 'a problem on the documented, bounded impl');
  const documented = lineOf(originalLines, 'unsafe impl<T: Send> Send for DocumentedBox<T> {}');
  assert.ok(!problems.some((p) => p.line === documented), 'a problem on `DocumentedBox`');
  const counter = lineOf(originalLines, 'unsafe impl Sync for SharedCounter {}');
  const onCounter = problems.filter((p) => p.line === counter);
  assert.deepEqual(
    onCounter.map((p) => p.code),
    ['risky-field'],
    `one risky-field problem on \`SharedCounter\`: ${formatProblems(onCounter)}`,
  );
  await workbench.screenshot('problems-panel');

  step(`Ctrl+. on line ${implLine} and apply the SAFETY fix`);
  await workbench.goTo(implLine, 8);
  const quickFixes = await workbench.openQuickFixes(/SAFETY/);
  // One problem, both rules' fixes: the bound and the comment.
  assert.ok(
    quickFixes.some((f) => f.includes('T: Send')) && quickFixes.some((f) => f.includes('SAFETY')),
    `both quick fixes on \`${unjustifiedImpl}\`: ${JSON.stringify(quickFixes)}`,
  );
  await workbench.screenshot('quick-fix-menu', { editorOnly: true });
  await workbench.chooseQuickFix(/SAFETY/);
  await workbench.waitForLine((lines) => {
    const at = lines.findIndex((l) => l.trim() === unjustifiedImpl);
    return at > 0 && /^\s*\/\/ SAFETY:/.test(lines[at - 1] ?? '');
  }, 'a `// SAFETY:` line right above the impl');
  // The fix leaves the cursor in the comment, where the justification goes: type it there.
  const cursor = await workbench.cursor();
  assert.ok(
    cursor.line >= implLine && cursor.line < implLine + 3,
    `after the fix the cursor is at ${cursor.line}:${cursor.column}, not in the comment`,
  );
  await workbench.page.keyboard.type(justification, { delay: 10 });
  await workbench.press('Escape'); // leave snippet mode
  await workbench.screenshot('quick-fix-applied', { editorOnly: true });

  step('save (Ctrl+S) and read the file on disk');
  await workbench.save();
  await waitFor(() => Promise.resolve(readFileSync(libFile, 'utf8') !== original), 'the saved file on disk', 15_000);
  const saved = readFileSync(libFile, 'utf8').split('\n');
  const newImplLine = lineOf(saved, unjustifiedImpl);
  const inserted = saved.slice(implLine - 1, newImplLine - 1);
  assert.ok(inserted.length >= 1, 'nothing was inserted above the impl');
  assert.ok(
    inserted[0]?.trimStart().startsWith('// SAFETY:'),
    `the line above the impl block is ${JSON.stringify(inserted[0])}`,
  );
  assert.ok(
    inserted.join('\n').includes(justification),
    `the typed justification is not in the comment: ${JSON.stringify(inserted)}`,
  );
  assert.ok(
    inserted.every((l) => l.trimStart().startsWith('//')),
    `the fix inserted non-comment lines: ${JSON.stringify(inserted)}`,
  );
  const indent = /^\s*/.exec(saved[newImplLine - 1] ?? '')?.[0] ?? '';
  assert.ok(
    inserted.every((l) => l.startsWith(indent)),
    'the comment is at the impl indentation',
  );
  assert.deepEqual(
    [...saved.slice(0, implLine - 1), ...saved.slice(newImplLine - 1)],
    originalLines,
    'the fix changed something besides inserting the comment',
  );
  await workbench.waitForProblems(
    (all) => !ours(all).some((p) => holds(p, 'missing-safety-comment') && p.line === newImplLine),
    'the missing-safety-comment gone after the fix',
    30_000,
  );
  await workbench.screenshot('saved');

  step(`type \`${typedImpl}\` at the end of the file: a squiggle comes`);
  const squigglesBefore = await workbench.squiggleCount();
  await workbench.press('Control+End');
  await workbench.press('Enter');
  await workbench.page.keyboard.type(typedImpl, { delay: 15 });
  await workbench.press('Escape'); // close word suggestions if they opened
  await workbench.waitForLine((lines) => lines.some((l) => l.trim() === typedImpl), 'the typed impl');
  const typedLine = (await workbench.cursor()).line;
  await workbench.waitForProblems(
    (all) =>
      ours(all).some((p) => p.line === typedLine && (holds(p, 'missing-safety-comment') || holds(p, 'risky-field'))),
    `a problem on the typed impl (line ${typedLine})`,
    30_000,
  );
  await waitFor(async () => (await workbench.squiggleCount()) > squigglesBefore, 'a new squiggle in the editor');
  await workbench.screenshot('typed-impl-squiggle');

  step('undo (Ctrl+Z): the squiggle goes');
  // Typing is undone a few words at a time: press until no part of the typed text is left.
  const partOfTyped = (lines: string[]): boolean =>
    lines.some((l) => l.trim() !== '' && typedImpl.startsWith(l.trim()));
  for (let presses = 0; presses < 60 && partOfTyped(await workbench.visibleLines()); presses++) {
    await workbench.press('Control+Z');
  }
  await workbench.waitForLine((lines) => !partOfTyped(lines), 'the typed impl undone');
  await workbench.waitForProblems(
    (all) => !ours(all).some((p) => p.line >= typedLine),
    'the typed impl’s problems gone after undo',
    30_000,
  );
  await waitFor(async () => (await workbench.squiggleCount()) <= squigglesBefore, 'the squiggle gone');
  await workbench.screenshot('undone');
  assert.equal(readFileSync(libFile, 'utf8'), saved.join('\n'), 'undo without saving changed the file on disk');

  step('the Send/Sync types view lists the crate, filtered to the types that are not Send');
  await workbench.runCommand('Explorer: Focus on Send/Sync types View');
  await waitFor(
    async () => (await workbench.viewRows('Send/Sync types')).some((r) => /Cache.*!Send · !Sync/.test(r)),
    'the types view row `Cache !Send · !Sync`',
    30_000,
  );
  // The command asks with a quick pick of its own: the palette's widget stays up for it.
  await workbench.runCommandAndPick(
    'Rust Send/Sync: Filter the Send/Sync types view',
    'types that are never `Send`',
    'Not Send',
  );
  await waitFor(
    async () => !(await workbench.viewRows('Send/Sync types')).some((r) => r.startsWith('struct Container')),
    'the Send `Container` filtered out',
  );
  const rows = await workbench.viewRows('Send/Sync types');
  assert.ok(
    rows.some((r) => /Cache.*!Send/.test(r)),
    `the filtered view keeps \`Cache\`: ${JSON.stringify(rows)}`,
  );
  await workbench.screenshot('types-view');

  // src/tasks.rs: an async fn holding a std MutexGuard across `.await`, passed to a Send-bounded
  // `spawn`. Last, so that its problems (the file is open from here on) do not mix with lib.rs's.
  step('Quick Open src/tasks.rs and hover the `async fn` that holds a MutexGuard');
  const tasksLines = readFileSync(join(dirname(libFile), 'tasks.rs'), 'utf8').split('\n');
  const spawnLine = lineOf(tasksLines, 'spawn(bump_hits(hits));');
  await workbench.quickOpen('tasks.rs');
  await workbench.waitForLine((lines) => lines.some((l) => l.includes('pub async fn bump_hits')), '`bump_hits`');
  const futureHover = await workbench.hoverWord('bump_hits', /Not `?Send`?[\s\S]*MutexGuard[\s\S]*held across/);
  assert.match(futureHover, /Send ✗/, `the hover's verdict is not \`Send ✗\`: ${JSON.stringify(futureHover)}`);
  assert.match(futureHover, /guard: MutexGuard<u32>/, 'the hover names the held value and its type');
  await workbench.screenshot('hover-async-fn', { editorOnly: true });
  await workbench.press('Escape');
  await workbench.page.mouse.move(5, 5);

  step(`a future-not-send problem at the spawn call (tasks.rs line ${spawnLine})`);
  await workbench.openProblems();
  const futureProblems = ours(
    await workbench.waitForProblems(
      (all) => ours(all).some((p) => p.code === 'future-not-send' && p.line === spawnLine),
      `a future-not-send at line ${spawnLine}`,
    ),
  ).filter((p) => p.code === 'future-not-send');
  console.log(formatProblems(futureProblems));
  assert.equal(futureProblems.length, 1, 'one future-not-send problem: the one spawn of a future that is not Send');
  assert.match(futureProblems[0].message, /`?bump_hits\(hits\)`? is not `?Send`?/);
  assert.match(futureProblems[0].message, /tokio::sync::Mutex/, 'the message names the rewrite');
  await workbench.screenshot('future-not-send-problem');

  return { hover, futureHover, futureProblems, problems, quickFixes, inserted };
}

export async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
}
