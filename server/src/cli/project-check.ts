// `check` and `report` with crate-wide resolution: each PATH's Cargo project (the nearest
// Cargo.toml above it) is opened, so a file of a crate is analysed with its modules and
// dependencies; files outside any crate are analysed on their own. Paths in the output stay as
// the user gave them.
import { dirname, join, resolve } from 'node:path';
import { analyzeFile, Project, type Engine, type TreeEngine } from '../engine';
import { nodeFileSystem } from '../cargo/node-fs';
import type { CheckOptions } from './args';
import { checkText, settingsFromOptions, type CheckedFile, type CheckRun } from './check';
import { collectFiles, readSourceFile } from './files';
import type { ReportEntry } from '../present/crate-report';

/** Opens the Cargo project of every path (a folder with Cargo.toml, or the nearest one above). */
function openProjects(paths: readonly string[], engine: TreeEngine, allFeatures = false): Project {
  const project = new Project(engine, nodeFileSystem, process.env, allFeatures);
  const opened = new Set<string>();
  for (const p of paths) {
    let dir = resolve(p);
    if (nodeFileSystem.isFile(dir)) dir = dirname(dir);
    for (let i = 0; i < 32; i++) {
      if (nodeFileSystem.isFile(join(dir, 'Cargo.toml'))) {
        if (!opened.has(dir)) project.open(dir);
        opened.add(dir);
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return project;
}

/** One engine call per file: the crate's analysis when the file is in an opened crate. */
function analyzerFor(file: string, project: Project, engine: Engine): Engine {
  return { analyze: (text) => analyzeFile(project, resolve(file), () => engine.analyze(text)) };
}

export function runProjectCheck(options: CheckOptions, engine: TreeEngine): CheckRun {
  const settings = settingsFromOptions(options);
  const { files, problems } = collectFiles(options.paths);
  const project = openProjects(options.paths, engine, options.allFeatures);
  const checked: CheckedFile[] = [];
  for (const file of files) {
    const read = readSourceFile(file, options.maxFileSize);
    if (read.kind === 'problem') problems.push({ path: file, message: read.message });
    else checked.push(checkText(file, read.text, analyzerFor(file, project, engine), settings, options.denyWarnings));
  }
  return { files: checked, problems };
}

/** Every type of the files under `paths`, crate-wide verdicts where a crate is known. */
export function collectReport(
  paths: readonly string[],
  engine: TreeEngine,
  maxFileSize: number,
  allFeatures = false,
): { entries: ReportEntry[]; problems: { path: string; message: string }[] } {
  const { files, problems } = collectFiles([...paths]);
  const project = openProjects(paths, engine, allFeatures);
  const entries: ReportEntry[] = [];
  for (const file of files) {
    const read = readSourceFile(file, maxFileSize);
    if (read.kind === 'problem') {
      problems.push({ path: file, message: read.message });
      continue;
    }
    const analysis = analyzeFile(project, resolve(file), () => engine.analyze(read.text));
    for (const report of analysis.types) entries.push({ file, report });
  }
  return { entries, problems };
}
