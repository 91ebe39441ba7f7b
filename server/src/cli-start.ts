// `rust-send-sync` (dist/cli.js): runs the CLI's bundle (dist/cli-core.js, from cli.ts) with V8's
// code cache of it (dist/cli-core.cache), which the build writes after one check of examples/. A
// start then neither parses the bundle nor compiles, one by one, each function a check calls.
// Node 20 has no compile cache of its own (`module.enableCompileCache` is Node 22.1+); `vm.Script`'s
// `cachedData` is what it offers. A cache written for another bundle (its SHA-256 heads the file) is
// not read, and one V8 rejects (another version or flags) is ignored: the CLI then compiles as usual.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/**
 * How much V8 lets its heap grow past what the last full collection kept, in percent. Left to
 * itself, it grows the heap up to fourfold between collections: a check of many crates, each
 * leaving its garbage, then peaked at 400 MB where 300 hold everything alive. At 30 the
 * registry's check peaks some 60 MB lower in the same time. Set before anything is compiled, so
 * the code cache (which records V8's flags) is made and read under the same flags.
 */
const HEAP_GROWING_PERCENT = 30;
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

const CORE = join(__dirname, 'cli-core.js');
const CACHE = join(__dirname, 'cli-core.cache');
/** Set for the build's run: write the cache at exit, from what that run compiled. */
const WRITE_CACHE = 'RUST_SEND_SYNC_WRITE_CODE_CACHE';

function readCache(hash: Buffer): Buffer | undefined {
  try {
    const file = readFileSync(CACHE);
    return file.subarray(0, hash.length).equals(hash) ? file.subarray(hash.length) : undefined;
  } catch {
    return undefined; // no cache: compile
  }
}

function runCore(): void {
  const source = readFileSync(CORE, 'utf8');
  const hash = createHash('sha256').update(source).digest();
  const write = process.env[WRITE_CACHE] !== undefined && isMainThread;
  // CommonJS's own wrapper, on the source's first line: the bundle sees what `require` gives it,
  // and its stack traces keep their line numbers.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: CORE,
    cachedData: write ? undefined : readCache(hash),
  });
  if (write) {
    process.on('exit', () => {
      // Whole or not at all: a CLI starting meanwhile reads the old file or the new one.
      writeFileSync(`${CACHE}.tmp`, Buffer.concat([hash, script.createCachedData()]));
      renameSync(`${CACHE}.tmp`, CACHE);
    });
  }
  const module = { exports: {} };
  const wrapped = script.runInThisContext() as (...args: unknown[]) => void;
  wrapped.call(module.exports, module.exports, createRequire(CORE), module, CORE, __dirname);
}

runCore();
