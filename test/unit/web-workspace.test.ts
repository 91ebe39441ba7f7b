// The web worker's view of the workspace: URIs of any scheme as paths and back, and the in-memory
// file system the client's batches fill (folders made from file paths, deletions, resets, bad input).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClientFiles } from '../../server/src/features/client-files';
import { webUriPaths } from '../../server/src/features/web-uris';

test('web URIs map to paths and back, one root per scheme and authority', () => {
  for (const uri of [
    'vscode-vfs://github/octo/ring/src/lib.rs',
    'vscode-remote://127.0.0.1:8080/tmp/fixture/src/lib.rs',
    'file:///home/me/crate/src/main.rs',
    'vscode-vfs://github/octo/ring/src/a%20b.rs',
  ]) {
    const path = webUriPaths.toPath(uri);
    assert.ok(path?.startsWith('/'), `${uri} -> ${path}`);
    assert.equal(webUriPaths.toUri(path ?? ''), uri);
  }
  assert.equal(
    webUriPaths.toPath('vscode-vfs://github/octo/ring/src/lib.rs'),
    '/vscode-vfs:github/octo/ring/src/lib.rs',
  );
  assert.equal(webUriPaths.toPath('vscode-vfs://github/octo/ring/'), '/vscode-vfs:github/octo/ring');
  assert.equal(webUriPaths.toPath('untitled:Untitled-1'), undefined);
  assert.equal(webUriPaths.toPath('vscode-vfs://github/bad%E0%A4%A'), undefined);
});

test('client files: folders follow the files, changes and deletions are reported, bad input is dropped', () => {
  const fs = createClientFiles();
  const root = 'vscode-vfs://github/o/r';
  const dir = '/vscode-vfs:github/o/r';
  const changed = fs.apply(
    {
      reset: true,
      files: [
        { uri: `${root}/Cargo.toml`, text: '[package]' },
        { uri: `${root}/src/lib.rs`, text: 'mod a;' },
        { uri: `${root}/src/a/mod.rs`, text: '' },
        { uri: 3, text: 'not a uri' },
      ],
    },
    webUriPaths,
  );
  assert.equal(changed.length, 3);
  assert.equal(fs.size, 3);
  assert.equal(fs.readFile(`${dir}/src/lib.rs`), 'mod a;');
  assert.ok(fs.isFile(`${dir}/Cargo.toml`) && !fs.isDir(`${dir}/Cargo.toml`));
  assert.ok(fs.isDir(`${dir}/src/a`) && fs.isDir(dir) && fs.isDir('/'));
  assert.deepEqual(fs.listDir(`${dir}/src`), ['a', 'lib.rs']);
  assert.deepEqual(fs.listDir(`${dir}/`), ['Cargo.toml', 'src']);
  assert.ok(fs.changesCrates(changed));

  // The same text again changes nothing; a new text does.
  assert.deepEqual(fs.apply({ files: [{ uri: `${root}/src/lib.rs`, text: 'mod a;' }] }, webUriPaths), []);
  assert.deepEqual(fs.apply({ files: [{ uri: `${root}/src/lib.rs`, text: 'mod b;' }] }, webUriPaths), [
    `${root}/src/lib.rs`,
  ]);
  assert.ok(!fs.changesCrates([`${root}/src/lib.rs`]));

  // Deleting the only file of a folder removes the folder.
  assert.deepEqual(fs.apply({ files: [], deleted: [`${root}/src/a/mod.rs`] }, webUriPaths), [`${root}/src/a/mod.rs`]);
  assert.ok(!fs.isDir(`${dir}/src/a`));
  assert.deepEqual(fs.listDir(`${dir}/src`), ['lib.rs']);

  // A reset keeps only what it names, and reports what went.
  assert.deepEqual(fs.apply({ reset: true, files: [{ uri: `${root}/Cargo.toml`, text: '[package]' }] }, webUriPaths), [
    `${root}/src/lib.rs`,
  ]);
  assert.equal(fs.size, 1);

  for (const bad of [null, 7, 'x', { files: 'x' }, { files: [null], deleted: 'y' }])
    assert.deepEqual(fs.apply(bad, webUriPaths), []);
  assert.equal(fs.size, 1);
});
