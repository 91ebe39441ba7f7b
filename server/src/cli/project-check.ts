// `check` and `report` with crate-wide resolution: each PATH's Cargo project (the nearest
// Cargo.toml above it) is opened, so a file of a crate is analysed with its modules and
// dependencies; files outside any crate are analysed on their own. Paths in the output stay as
// the user gave them.
import { dirname, join, resolve } from 'node:path';
import { analyzeFile, Project, type Engine, type TreeEngine } from '../engine';
import type { Parser } from '../engine/project';
import type { SyntaxTree } from '../syntax/parser';
import { nodeFileSystem } from '../cargo/node-fs';
import type { CheckOptions } from './args';
import { checkText, settingsFromOptions, type CheckedFile, type CheckRun } from './check';
import { collectFiles, readSourceFile, type FileProblem } from './files';
import type { ReportEntry } from '../present/crate-report';

/** `cargoRootOf` for many files, each folder looked up once. */
function cachedRoots(): (file: string) => string | undefined {
  const byDir = new Map<string, string | undefined>();
  return (file) => {
    const dir = dirname(resolve(file));
    if (!byDir.has(dir)) byDir.set(dir, cargoRootOf(dir));
    return byDir.get(dir);
  };
}

/** The folder of the nearest Cargo.toml at or above `path`, if any. */
function cargoRootOf(path: string): string | undefined {
  let dir = resolve(path);
  if (nodeFileSystem.isFile(dir)) dir = dirname(dir);
  for (let i = 0; i < 32; i++) {
    if (nodeFileSystem.isFile(join(dir, 'Cargo.toml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/**
 * A parser for one run's projects that parses each text once and hands out copies (a copy costs
 * nothing and is the same tree; each holder deletes its own): a crate's project and its shadow
 * (the same crates with every feature on, for the files of inactive modules) read mostly the same
 * files, dependencies and item-macro expansions. A tree is deleted when its last copy is (a
 * project freeing its trees frees those it alone held); `done` deletes the others.
 */
function parseOnce(engine: TreeEngine): { parser: Parser; done: () => void } {
  // By the file's text, then by what else an item-macro expansion reads (its spans and patches
  // of that text: the same text, another tree; '' for the file's own parse).
  const trees = new Map<string, Map<string, { tree: SyntaxTree; copies: number }>>();
  const parser: Parser = {
    parse(text, oldTree, spans) {
      const base = typeof text === 'string' ? text : text.base;
      const patches = typeof text === 'string' ? [] : text.patches;
      const key = spans
        ? `${spans.map((s) => `${s.start}-${s.end}`).join(',')}\0${patches.map((p) => `${p.at}:${p.text}`).join('\0')}`
        : '';
      let byKey = trees.get(base);
      if (byKey === undefined) {
        byKey = new Map<string, { tree: SyntaxTree; copies: number }>();
        trees.set(base, byKey);
      }
      let entry = byKey.get(key);
      if (entry === undefined) {
        entry = { tree: engine.parse(text, oldTree, spans), copies: 0 };
        byKey.set(key, entry);
      }
      const shared = entry;
      shared.copies++;
      const copy = shared.tree.copy();
      const deleteCopy = copy.delete.bind(copy);
      let deleted = false;
      copy.delete = () => {
        if (deleted) return;
        deleted = true;
        deleteCopy();
        if (--shared.copies > 0) return;
        shared.tree.delete();
        byKey.delete(key);
        if (byKey.size === 0) trees.delete(base);
      };
      return copy;
    },
    mentions: engine.mentions,
    reuseFutures: engine.reuseFutures,
  };
  return {
    parser,
    done: () => {
      for (const byKey of trees.values()) for (const { tree } of byKey.values()) tree.delete();
      trees.clear();
    },
  };
}

/** Opens the Cargo project of every file (the nearest folder with Cargo.toml at or above it). */
function openProjects(files: readonly string[], engine: TreeEngine, allFeatures = false): Project {
  const project = new Project(parseOnce(engine).parser, nodeFileSystem, process.env, allFeatures, { batch: true });
  const opened = new Set<string>();
  const rootOf = cachedRoots();
  for (const file of files) {
    const dir = rootOf(file);
    if (dir !== undefined && !opened.has(dir)) project.open(dir);
    if (dir !== undefined) opened.add(dir);
  }
  return project;
}

/** One engine call per file: the crate's analysis when the file is in an opened crate. */
function analyzerFor(file: string, project: Project | undefined, engine: Engine): Engine {
  return { analyze: (text) => analyzeFile(project, resolve(file), () => engine.analyze(text)) };
}

/**
 * A piece of a `check` run that can go to a worker on its own: the files of one Cargo project
 * (`root`, analysed crate-wide by a Project of its own), or a batch of files outside any crate.
 * `index` is each file's place in the run's output.
 */
export interface CheckUnit {
  root?: string;
  files: { index: number; path: string }[];
}

export interface CheckPlan {
  files: string[];
  problems: FileProblem[];
  units: CheckUnit[];
}

/** Files outside any crate go to workers this many at a time. */
const LOOSE_BATCH = 16;

/**
 * The files of a run, in output order, and its units: one per Cargo project the paths are in
 * (every path under the same Cargo.toml shares it), and batches of the files in no project.
 */
export function planCheck(paths: readonly string[]): CheckPlan {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const byRoot = new Map<string, CheckUnit>();
  const units: CheckUnit[] = [];
  let loose: CheckUnit | undefined;
  // Each file's own crate: a folder given may hold several (or sit above one).
  const rootOf = cachedRoots();
  for (const path of paths) {
    const collected = collectFiles([path]);
    problems.push(...collected.problems);
    for (const file of collected.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const entry = { index: files.length, path: file };
      files.push(file);
      const root = rootOf(file);
      if (root !== undefined) {
        let unit = byRoot.get(root);
        if (unit === undefined) {
          unit = { root, files: [] };
          byRoot.set(root, unit);
          units.push(unit);
        }
        unit.files.push(entry);
      } else {
        if (loose === undefined || loose.files.length >= LOOSE_BATCH) {
          loose = { files: [] };
          units.push(loose);
        }
        loose.files.push(entry);
      }
    }
  }
  return { files, problems, units };
}

/** One file's outcome: checked, or the reason it could not be; `warnings` go to stderr. */
export interface UnitResult {
  index: number;
  checked?: CheckedFile;
  problem?: FileProblem;
  warnings: string[];
}

/** Checks one unit's files in order, with a Project for the unit's crate when it has one. */
export function runUnit(unit: CheckUnit, options: CheckOptions, engine: TreeEngine): UnitResult[] {
  let project: Project | undefined;
  const parsing = parseOnce(engine);
  if (unit.root !== undefined) {
    project = new Project(parsing.parser, nodeFileSystem, process.env, options.allFeatures, { batch: true });
    project.open(unit.root);
  }
  try {
    return checkFiles(unit, options, engine, project);
  } finally {
    // The next unit reuses the parser's memory: a run over many crates holds one at a time.
    project?.dispose();
    parsing.done();
  }
}

function checkFiles(
  unit: CheckUnit,
  options: CheckOptions,
  engine: TreeEngine,
  project: Project | undefined,
): UnitResult[] {
  const settings = settingsFromOptions(options);
  const check = ({ index, path }: CheckUnit['files'][number], before?: (path: string) => void): UnitResult => {
    const warnings: string[] = [];
    const read = readSourceFile(path, options.maxFileSize);
    if (read.kind === 'problem') return { index, problem: { path, message: read.message }, warnings };
    before?.(path);
    const analyzer = analyzerFor(path, project, engine);
    const checked = checkText(path, read.text, analyzer, settings, options.denyWarnings, (m) => warnings.push(m));
    // A parse given up: not checked, like a file over the size limit.
    const skipped = checked.analysis.skipped;
    if (skipped !== undefined) return { index, problem: { path, message: `skipped: ${skipped}` }, warnings };
    return { index, checked, warnings };
  };
  // The files of this build first, then the others (the shadow's, or alone), with the trees only
  // the first needed freed in between, once the shadow has read what the first of the others asks
  // for (so the trees both read are parsed once): the peak is about the larger of the two, not
  // their sum. The two projects share no verdicts, so the order changes no result (mergeResults
  // restores it).
  const active = unit.files.filter(({ path }) => project?.activeCrateOf(resolve(path)) !== undefined);
  const others = unit.files.filter(({ path }) => project?.activeCrateOf(resolve(path)) === undefined);
  const results = active.map((file) => check(file));
  let released = false;
  const release = (): void => {
    if (!released) project?.releaseActive(others.map(({ path }) => resolve(path)));
    released = true;
  };
  return [...results, ...others.map((file) => check(file, release))];
}

/**
 * The run from its units' results, in the plan's order whatever order they came in: the same
 * output for one thread or many. Warnings are printed here, in file order.
 */
export function mergeResults(plan: CheckPlan, results: readonly UnitResult[][]): CheckRun {
  const byIndex: (UnitResult | undefined)[] = new Array<UnitResult | undefined>(plan.files.length);
  for (const unit of results) for (const result of unit) byIndex[result.index] = result;
  const files: CheckedFile[] = [];
  const problems = [...plan.problems];
  for (const result of byIndex) {
    if (result === undefined) continue;
    for (const warning of result.warnings) process.stderr.write(`${warning}\n`);
    if (result.problem !== undefined) problems.push(result.problem);
    if (result.checked !== undefined) files.push(result.checked);
  }
  return { files, problems };
}

/** Every type of the files under `paths`, crate-wide verdicts where a crate is known. */
export function collectReport(
  paths: readonly string[],
  engine: TreeEngine,
  maxFileSize: number,
  allFeatures = false,
): { entries: ReportEntry[]; problems: { path: string; message: string }[] } {
  const { files, problems } = collectFiles([...paths]);
  const project = openProjects(files, engine, allFeatures);
  const entries: ReportEntry[] = [];
  for (const file of files) {
    const read = readSourceFile(file, maxFileSize);
    if (read.kind === 'problem') {
      problems.push({ path: file, message: read.message });
      continue;
    }
    const analysis = analyzeFile(project, resolve(file), () => engine.analyze(read.text));
    if (analysis.skipped !== undefined) problems.push({ path: file, message: `skipped: ${analysis.skipped}` });
    for (const report of analysis.types) entries.push({ file, report });
  }
  return { entries, problems };
}
