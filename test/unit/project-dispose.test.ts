// A check run holds one crate's project at a time (cli/project-check.ts `runUnit`): when a
// crate's files are done, `Project.dispose` frees every parse tree it made, its shadow's (the
// build with every feature, for inactive modules) and its item macros' too, each once. Trees live
// in the parser's WebAssembly memory, which no garbage collection reaches: a tree left behind
// stays for the whole run. Counted here through a parser that tracks the trees it hands out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../server/src/cargo/node-fs';
import { createEngine } from '../../server/src/engine';
import { Project, type Parser } from '../../server/src/engine/project';
import type { SyntaxTree } from '../../server/src/syntax/parser';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const CRATES = join(REPO_ROOT, 'test', 'fixtures', 'crates');

test('a disposed project leaves no parse tree behind, and frees none twice', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir(), mentions: false, reuseFutures: false });
  const live = new Set<SyntaxTree>();
  const parser: Parser = {
    mentions: false,
    reuseFutures: false,
    parse(text, oldTree, spans) {
      const tree = engine.parse(text, oldTree, spans);
      live.add(tree);
      const free = tree.delete.bind(tree);
      tree.delete = () => {
        assert.ok(live.delete(tree), 'a tree freed twice');
        free();
      };
      return tree;
    },
  };
  for (const [crate, inactive] of [
    ['app', undefined],
    ['gated', join('src', 'sync', 'mod.rs')],
  ] as const) {
    const dir = join(CRATES, crate);
    const project = new Project(parser, nodeFileSystem, { HOME: '/nonexistent' }, false, { batch: true });
    project.open(dir);
    for (const file of project.localFiles()) assert.ok(project.analyzeFile(file), file);
    if (inactive !== undefined) {
      // The check run's order: this build's files, then the shadow's, this build's trees freed.
      project.releaseActive([join(dir, inactive)]);
      assert.ok(project.analyzeFile(join(dir, inactive))?.inactive, `${inactive} is analysed by the shadow`);
    }
    assert.ok(live.size > 0, `${crate}: the project parsed nothing`);
    project.dispose();
    assert.equal(live.size, 0, `${crate}: ${live.size} trees left after dispose`);
  }
});
