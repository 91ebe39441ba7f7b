// The VS Code workbench as a user meets it, driven through chromium: keyboard shortcuts, Quick
// Open, hovering a word, the Problems panel, the Ctrl+. menu. Every helper waits for what the user
// would wait to see (a selector, a text) with a bounded timeout, never for a fixed time. Owns the
// DOM selectors, so a VS Code update that renames one is fixed here and nowhere else.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** One row of the Problems panel, as the user reads it. */
export interface Problem {
  severity: string;
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
}

const editor = '.editor-group-container.active .monaco-editor[data-uri]';

/** The little of the browser's DOM that the page-side callbacks below use (no `dom` lib here). */
interface PageElement {
  innerText: string;
  textContent: string | null;
  style: { top: string };
  className: string;
  querySelector(selector: string): PageElement | null;
}
declare const document: { title: string; querySelectorAll(selector: string): ArrayLike<PageElement> };

export class Workbench {
  private shotCount = 0;
  readonly shots: string[] = [];

  constructor(
    readonly page: Page,
    private readonly shotDir: string,
  ) {
    mkdirSync(shotDir, { recursive: true });
  }

  /** Loads the workbench and waits until the explorer shows the opened folder. */
  async open(url: string, folderName: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page
      .locator('.explorer-folders-view, .explorer-viewlet')
      .getByText(folderName, { exact: false })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => undefined); // The explorer may be collapsed; the title check below decides.
    await this.page.waitForFunction((name) => document.title.includes(name), folderName, { timeout: 60_000 });
  }

  /** A full-window screenshot; with `editorOnly`, also one of just the editor group (for docs). */
  async screenshot(name: string, options: { editorOnly?: boolean } = {}): Promise<string> {
    this.shotCount += 1;
    const file = join(this.shotDir, `${String(this.shotCount).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    this.shots.push(file);
    if (options.editorOnly) {
      const box = await this.page.locator('.editor-group-container.active').boundingBox();
      if (box) {
        const editorFile = file.replace(/\.png$/, '-editor.png');
        await this.page.screenshot({ path: editorFile, clip: box });
        this.shots.push(editorFile);
      }
    }
    return file;
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /** Ctrl+P, the file name, Enter; resolves when that file's editor has focus. */
  async quickOpen(fileName: string): Promise<void> {
    await this.pick('Control+P', fileName);
    await this.page.locator('.tabs-container .tab.active').filter({ hasText: fileName }).waitFor({ timeout: 30_000 });
    await this.page.locator(`${editor} .view-lines`).waitFor({ timeout: 30_000 });
  }

  /** The Command Palette (Ctrl+Shift+P), a command's title, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.pick('Control+Shift+P', title);
  }

  /**
   * A command that asks with a quick pick of its own: runs it, waits for its pick to show `shows`
   * (text only that pick has, since the palette may stay open in between), picks `choice`.
   */
  async runCommandAndPick(title: string, shows: string, choice: string): Promise<void> {
    await this.openAndFind('Control+Shift+P', title);
    await this.press('Enter');
    await this.rows().filter({ hasText: shows }).first().waitFor({ timeout: 30_000 });
    await this.page.keyboard.type(choice, { delay: 20 });
    await this.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  }

  /** Opens the quick input with `keys`, types `text`, waits for a matching entry, Enter. */
  private async pick(keys: string, text: string): Promise<void> {
    await this.openAndFind(keys, text);
    await this.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  }

  private rows(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  /**
   * Opens the quick input with `keys` and types `text` until an entry shows it, three times at
   * most. Keys typed before the input has the focus go to whatever had it (a tree view filters
   * itself by them), so the input's value is checked and set when the typing missed it. The
   * workbench may also close the input meanwhile (a view refreshed behind it takes the focus): an
   * attempt that fails in any step is closed with Escape and made again.
   */
  private async openAndFind(keys: string, text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.openQuickInput(keys);
        const prefix = await input.inputValue({ timeout: 5_000 });
        await this.page.keyboard.type(text, { delay: 20 });
        if (!(await input.inputValue({ timeout: 5_000 })).endsWith(text))
          await input.fill(prefix + text, { timeout: 5_000 });
        await this.rows().filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
        console.log(`    quick input for ${JSON.stringify(text)}, attempt ${attempt} failed (${why}); again`);
        await this.press('Escape');
        await this.page
          .locator('.quick-input-widget')
          .waitFor({ state: 'hidden', timeout: 15_000 })
          .catch(() => undefined); // already closed, or closing: the next attempt opens it again
      }
    }
  }

  /**
   * Presses `keys` until the quick input shows, three times at most: now and then the workbench
   * drops the key press (the palette's input stays hidden), most often right after a view had
   * the focus. A press that does arrive late only moves the selection, which typing resets.
   */
  private async openQuickInput(keys: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 1; ; attempt++) {
      await this.press(keys);
      try {
        await input.waitFor({ state: 'visible', timeout: 7_500 });
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  /** The language mode the status bar shows for the active editor (e.g. "Rust"). */
  async languageMode(): Promise<string> {
    const item = this.page.locator('[id="status.editor.mode"]');
    await item.waitFor({ timeout: 15_000 });
    return (await item.innerText()).trim();
  }

  /** Ctrl+G `line:column` Enter, then waits until the status bar shows the new cursor. */
  async goTo(line: number, column = 1): Promise<void> {
    await this.openQuickInput('Control+G');
    await this.page.keyboard.type(`${line}:${column}`);
    await this.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    await this.page
      .locator('[id="status.editor.selection"]')
      .filter({ hasText: `Ln ${line}, Col ${column}` })
      .waitFor({ timeout: 15_000 });
  }

  /** The cursor position the status bar shows, 1-based. */
  async cursor(): Promise<{ line: number; column: number }> {
    const text = await this.page.locator('[id="status.editor.selection"]').innerText({ timeout: 15_000 });
    const match = /Ln (\d+), Col (\d+)/.exec(text);
    if (!match) throw new Error(`the status bar shows no cursor position: ${JSON.stringify(text)}`);
    return { line: Number(match[1]), column: Number(match[2]) };
  }

  /** The visible text of the active editor, one string per rendered line, in order. */
  async visibleLines(): Promise<string[]> {
    return this.page.locator(`${editor} .view-lines .view-line`).evaluateAll((lines: PageElement[]) =>
      lines
        .map((line) => ({ top: parseFloat(line.style.top || '0'), text: line.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' ')),
    );
  }

  async waitForLine(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(await this.visibleLines())) {
      if (Date.now() > deadline) throw new Error(`editor text never showed ${what}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Moves the mouse onto the word as rendered in the editor and returns the hover's text. */
  async hoverWord(word: string, expect: RegExp, timeoutMs = 30_000): Promise<string> {
    const token = this.wordToken(word);
    await token.waitFor({ timeout: 15_000 });
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content');
    const deadline = Date.now() + timeoutMs;
    let last = '';
    // The first hover can come before the language server has answered; leave and come back, as a
    // user would, until the hover says what we expect or the time is up.
    while (Date.now() < deadline) {
      await this.page.mouse.move(5, 5);
      await token.hover();
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 5000 });
        await this.page.waitForFunction(
          ([selector, source, flags]) => {
            const text = Array.from(document.querySelectorAll(selector))
              .map((element) => element.innerText)
              .join('\n');
            return new RegExp(source, flags).test(text);
          },
          ['.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content', expect.source, expect.flags] as const,
          { timeout: 5000 },
        );
        return (await hover.allInnerTexts()).join('\n');
      } catch {
        last = (await hover.allInnerTexts().catch(() => [])).join('\n');
      }
    }
    throw new Error(`hovering \`${word}\` never showed ${expect}; last hover text: ${JSON.stringify(last)}`);
  }

  private wordToken(word: string): Locator {
    const exact = new RegExp(`^\\s*${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.page.locator(`${editor} .view-lines .view-line span > span`).filter({ hasText: exact }).first();
  }

  /**
   * The lines the Output panel shows (the channel a command put there), waiting until they hold
   * what `predicate` wants; only the rendered lines, so the panel is made tall first.
   */
  async waitForOutput(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
    const lines = this.page.locator('.part.panel .output-view .monaco-editor .view-lines .view-line');
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    for (;;) {
      last = await lines.evaluateAll((elements: PageElement[]) =>
        elements
          .map((line) => ({ top: parseFloat(line.style.top || '0'), text: line.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((line) => line.text.replace(/\u00a0/g, ' ')),
      );
      if (predicate(last)) return last;
      if (Date.now() > deadline) throw new Error(`the Output panel never showed ${what}:\n${last.join('\n')}`);
      await this.page.waitForTimeout(200);
    }
  }

  /** The rows of a side-bar view, found by its title, as the user reads them. */
  async viewRows(title: string): Promise<string[]> {
    const pane = this.page.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: title }) });
    return (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /**
   * Clicks the button named `action` (its tooltip) in the title bar of the side-bar view titled
   * `view`, as a mouse user does. The view must be on screen (e.g. after its Focus on ... View
   * command); a collapsed view is expanded first, and its header is pointed at, since it shows its
   * actions only under the pointer or while the view has the focus. No quick input the workbench
   * may close, no keys that may land elsewhere.
   */
  async clickViewAction(view: string, action: string): Promise<void> {
    const header = this.page.locator('.pane > .pane-header', { hasText: view });
    await header.waitFor({ state: 'visible', timeout: 15_000 });
    if (!/\bexpanded\b/.test((await header.getAttribute('class')) ?? '')) await header.click();
    await header.hover();
    await header.locator('.actions').getByRole('button', { name: action }).click({ timeout: 5_000 });
  }

  /**
   * Clicks the title-bar action `refresh` of the side-bar view `view` and reads its rows until they
   * satisfy `predicate`, clicking again when 2 s pass without (the data behind the view may not
   * have changed yet). Logs the clicks and the time they took; returns the rows.
   */
  async refreshViewUntil(
    view: string,
    refresh: string,
    predicate: (rows: string[]) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<string[]> {
    const started = Date.now();
    const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    for (let clicks = 1; ; clicks++) {
      await this.clickViewAction(view, refresh);
      const clicked = Date.now();
      let rows = await this.viewRows(view);
      while (!predicate(rows) && Date.now() - clicked < 2_000) {
        await this.page.waitForTimeout(100);
        rows = await this.viewRows(view);
      }
      if (predicate(rows)) {
        console.log(`    clicked "${refresh}" (${view} title bar) ${clicks}x; ${what} after ${seconds()}`);
        await this.page.mouse.move(5, 5); // the button's tooltip off the screenshots
        return rows;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `clicked "${refresh}" ${clicks}x in ${seconds()}, the ${view} view never showed ${what}; ` +
            `it shows ${JSON.stringify(rows)}`,
        );
      }
    }
  }

  /** Opens the Problems panel with Ctrl+Shift+M (idempotent: it stays open if already open). */
  async openProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (await panel.isVisible()) return;
    await this.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** The Problems panel's rows (file header rows skipped), read field by field. */
  async problems(): Promise<Problem[]> {
    // Page-side code must not declare named functions: tsx would wrap them in a `__name` helper
    // that does not exist in the page.
    const fields = ['.marker-icon', '.marker-message', '.marker-source', '.marker-code', '.marker-line'] as const;
    const cells = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll(
      (elements: PageElement[], selectors) =>
        elements.map((element) =>
          selectors.map((selector, index) => {
            const cell = element.querySelector(selector);
            return index === 0 ? (cell?.className ?? '') : (cell?.innerText ?? '').replace(/\s+/g, ' ').trim();
          }),
        ),
      fields,
    );
    const rows = cells.map(([icon = '', message = '', source = '', code = '', position = '']) => ({
      icon,
      message,
      source,
      code,
      position,
    }));
    const problems: Problem[] = [];
    for (const row of rows) {
      const position = /Ln (\d+), Col (\d+)/.exec(row.position);
      if (!position) continue;
      problems.push({
        severity: /\b(error|warning|info)\b/.exec(row.icon)?.[1] ?? row.icon,
        message: row.message,
        source: row.source,
        code: row.code.replace(/^\(|\)$/g, ''),
        line: Number(position[1]),
        column: Number(position[2]),
      });
    }
    return problems;
  }

  /** Waits until the Problems panel satisfies `predicate`; returns the rows it then shows. */
  async waitForProblems(
    predicate: (problems: Problem[]) => boolean,
    what: string,
    timeoutMs = 60_000,
  ): Promise<Problem[]> {
    const deadline = Date.now() + timeoutMs;
    let problems = await this.problems();
    while (!predicate(problems)) {
      if (Date.now() > deadline) {
        throw new Error(`Problems panel never showed ${what}; it shows:\n${formatProblems(problems)}`);
      }
      await this.page.waitForTimeout(200);
      problems = await this.problems();
    }
    return problems;
  }

  /** The number of squiggles the active editor draws. */
  async squiggleCount(): Promise<number> {
    return this.page.locator(`${editor} [class*="squiggly-"]`).count();
  }

  /** Ctrl+. at the cursor; returns the titles offered. */
  async openQuickFixes(expect: RegExp): Promise<string[]> {
    await this.press('Control+.');
    const item = this.page.locator('.action-widget .monaco-list-row');
    await item.filter({ hasText: expect }).first().waitFor({ timeout: 30_000 });
    return (await item.allInnerTexts()).map((text) => text.trim());
  }

  /** Arrows down the Ctrl+. menu to the fix titled `title`, then Enter, as a keyboard user does. */
  async chooseQuickFix(title: RegExp): Promise<void> {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    const count = await rows.count();
    for (let moves = 0; moves <= count; moves++) {
      const focused = await this.page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label');
      if (focused !== null && title.test(focused)) {
        await this.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 15_000 });
        return;
      }
      await this.press('ArrowDown');
    }
    throw new Error(`the Ctrl+. menu has no entry ${title}`);
  }

  /** Ctrl+S; resolves when the active tab no longer shows unsaved changes. */
  async save(): Promise<void> {
    await this.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 });
  }

  async isDirty(): Promise<boolean> {
    return (await this.page.locator('.tabs-container .tab.active.dirty').count()) > 0;
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return '    (none)';
  return problems.map((p) => `    ${p.line}:${p.column} ${p.severity} ${p.source}(${p.code}) ${p.message}`).join('\n');
}
