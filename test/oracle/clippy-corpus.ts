// The real crates the comparison scripts measure on, named at run time: crate folders (each with a
// Cargo.toml) as arguments, or, when there are none, in RUST_SEND_SYNC_CORPUS (separated by
// whitespace or `:`). And this project's CLI findings on one crate.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { REPO_ROOT } from './rust-items';

export const CORPUS_ENV = 'RUST_SEND_SYNC_CORPUS';

/** Crate folders from the non-option arguments or the environment; exits with a message when none. */
export function corpusCrates(args: string[], usage: string): string[] {
  let dirs = args.filter((a) => !a.startsWith('--'));
  if (dirs.length === 0) dirs = (process.env[CORPUS_ENV] ?? '').split(/[\s:]+/).filter(Boolean);
  if (dirs.length === 0) {
    process.stderr.write(
      `${usage}\n\nNo crates to check: pass crate source folders (each with a Cargo.toml) as arguments,\n` +
        `or list them in ${CORPUS_ENV} (separated by spaces, newlines or ':').\n`,
    );
    process.exit(2);
  }
  const bad = dirs.filter((d) => !existsSync(join(d, 'Cargo.toml')));
  if (bad.length) {
    process.stderr.write(`not a crate folder (no Cargo.toml): ${bad.join(', ')}\n`);
    process.exit(2);
  }
  return dirs.map((d) => resolve(d));
}

export interface CliDiagnostic {
  /** Relative to the crate folder, with `/`. */
  file: string;
  line: number;
  endLine: number;
  code: string;
  message: string;
}

/** This project's findings on one crate, from the built CLI (`npm run build` first). */
export function runCli(crateDir: string): CliDiagnostic[] {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--no-group', crateDir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`the CLI failed on ${crateDir} (exit ${r.status}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { diagnostics: (CliDiagnostic & { file: string })[] };
  return out.diagnostics.map((d) => ({
    file: relative(crateDir, d.file).replace(/\\/g, '/'),
    line: d.line,
    endLine: d.endLine,
    code: d.code,
    message: d.message,
  }));
}
