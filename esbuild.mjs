// Bundles the extension client, the language server and the CLI into dist/, the web extension's
// client and server worker into dist/web/, and copies the two .wasm files into dist/ (both hosts
// load them from there), so that nothing at run time needs node_modules.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// web-tree-sitter ships ESM and CJS builds; bundling its ESM build into CJS compiles but fails in
// Parser.init(), so every import of it is pointed at the CJS file.
const webTreeSitterCjs = require.resolve('web-tree-sitter'); // its "require" export: tree-sitter.cjs
const useCjsTreeSitter = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: webTreeSitterCjs }));
  },
};

// JSON modules (the std table, the manifest's version) become `JSON.parse` of one string: V8 reads
// that faster than the same data written as an object literal, and every start of the CLI does.
const jsonAsParse = {
  name: 'json-as-parse',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async ({ path }) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(await readFile(path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  // Identifiers are not minified even for the .vsix: a stack trace in the log must name our
  // functions and lines. (So names need no keeping: keeping them set each closure's name as it was
  // made, in hot loops too.)
  minifySyntax: production,
  logLevel: 'warning',
  plugins: [useCjsTreeSitter, jsonAsParse],
};

mkdirSync('dist', { recursive: true });
copyFileSync(join(dirname(webTreeSitterCjs), 'tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'), 'dist/tree-sitter-rust.wasm');

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  // The CLI: its code (cli-core.js) is run by a small start (cli.js) with V8's code cache of it.
  // web-tree-sitter's `import('fs/promises')` becomes a `require`: a `vm.Script` has no loader for
  // a dynamic `import()`.
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli-core.js', supported: { 'dynamic-import': false } },
  { entryPoints: ['server/src/cli-start.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// Where there is no Node: the web client (loaded as CommonJS by the web worker extension host) and
// the server's worker script. web-tree-sitter names `fs` and `path` only on its Node path, never
// taken in a browser, so they stay unbundled there.
const browser = { platform: 'browser', target: 'es2022' };
builds.push(
  {
    ...browser,
    entryPoints: ['client/src/browser-extension.ts'],
    outfile: 'dist/web/extension.js',
    external: ['vscode'],
  },
  {
    ...browser,
    entryPoints: ['server/src/browser-main.ts'],
    outfile: 'dist/web/server.js',
    format: 'iife',
    external: ['fs', 'path'],
  },
);

if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  writeCodeCache();
}

/**
 * dist/cli-core.cache (see server/src/cli-start.ts): what one check of examples/ compiled, so that
 * every later start reads it instead of compiling. Made by the Node that builds, which is the one
 * that runs the CLI; any other V8 rejects it and compiles as before.
 */
function writeCodeCache() {
  rmSync('dist/cli-core.cache', { force: true });
  spawnSync(process.execPath, ['dist/cli.js', 'check', '--jobs', '1', 'examples'], {
    stdio: 'ignore',
    env: { ...process.env, RUST_SEND_SYNC_WRITE_CODE_CACHE: '1' },
  });
  if (!existsSync('dist/cli-core.cache'))
    console.warn('dist/cli-core.cache was not written: the CLI starts without it');
}
