// The generated std signatures (server/src/futures/std-signatures.json): up to date with their
// generator when the toolchain's docs are installed, and read as rustdoc writes them (receivers,
// lifetimes, the results left out). What they type is checked against rustc by the futures
// fixture futures/std-signatures.rs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { StdSignatureTable } from '../../server/src/futures/std-methods';
import {
  generateStdSignatures,
  ownImplOf,
  renderStdSignatures,
  resultText,
  STD_SIGNATURES_FILE,
  typeParams,
} from '../oracle/std-signatures';
import { regenerable } from '../oracle/std-table';

const table = JSON.parse(readFileSync(STD_SIGNATURES_FILE, 'utf8')) as StdSignatureTable;

test('std-signatures.json is what the generator makes of the installed docs', (t) => {
  const given = regenerable(table.toolchain);
  if ('skip' in given) {
    t.skip(given.skip);
    return;
  }
  const { docs, version } = given;
  assert.ok(
    renderStdSignatures(generateStdSignatures(docs, version)) === readFileSync(STD_SIGNATURES_FILE, 'utf8'),
    'run npm run gen:std-signatures',
  );
});

test('rows say how each fn takes its receiver and what it gives', () => {
  const row = (path: string, fn: string) => table.types[path]?.[fn];
  assert.deepEqual(row('std::net::TcpListener', 'bind'), ['none', 'std::io::Result<std::net::TcpListener>']);
  assert.deepEqual(row('std::net::TcpListener', 'local_addr'), ['ref', 'std::io::Result<std::net::SocketAddr>']);
  assert.deepEqual(row('std::process::Command', 'arg'), ['ref', '&mut std::process::Command']);
  assert.deepEqual(row('std::path::PathBuf', 'into_os_string'), ['value', 'std::ffi::OsString']);
  assert.deepEqual(row('std::path::Path', 'new'), ['none', '&std::path::Path']);
  // The "notable traits" mark rustdoc writes after some results is not part of them.
  assert.deepEqual(row('std::io::Stdin', 'lock'), ['ref', 'std::io::StdinLock']);
  // Generic types' own impls, their results naming the type's parameters.
  assert.deepEqual(row('std::sync::mpsc::Receiver', 'recv'), [
    'ref',
    'std::result::Result<T, std::sync::mpsc::RecvError>',
  ]);
  assert.deepEqual(row('std::vec::Vec', 'split_off'), ['ref', 'std::vec::Vec<T, A>']);
  // Not a fn with type parameters of its own in its result (`Option::map<U, F>`), nor a
  // nightly-only one (`Vec::new_in`).
  assert.equal(row('std::option::Option', 'map'), undefined);
  assert.equal(row('std::vec::Vec', 'new_in'), undefined);
});

test("the primitives' own methods are read the same way, arrays of a literal length kept", () => {
  const row = (name: string, fn: string) => table.primitives[name]?.[fn];
  assert.deepEqual(row('str', 'len'), ['ref', 'usize']);
  assert.deepEqual(row('str', 'as_bytes'), ['ref', '&[u8]']);
  assert.deepEqual(row('u32', 'to_le_bytes'), ['value', '[u8; 4]']);
  assert.deepEqual(row('[T]', 'iter'), ['ref', 'std::slice::Iter<T>']);
  // Not `impl [u8]`'s methods (one instantiation's), nor a result naming the fn's own parameter.
  assert.equal(row('[T]', 'to_ascii_uppercase'), undefined);
  assert.equal(row('str', 'parse'), undefined);
  assert.equal(resultText('[u8; 16]'), '[u8; 16]');
  assert.equal(resultText('[u8; N]'), undefined);
});

test("a generic type's own impls are read, not those of one instantiation", () => {
  assert.deepEqual(typeParams('pub struct Vec<T, A: Allocator = Global> { /* private fields */ }', 'Vec'), ['T', 'A']);
  assert.deepEqual(typeParams("pub struct Arguments<'a> { /* private fields */ }", 'Arguments'), []);
  assert.equal(typeParams('pub struct Simd<T, const N: usize>(/* private fields */);', 'Simd'), undefined);
  assert.equal(ownImplOf('impl<T, A: Allocator> std::vec::Vec<T, A>', 'Vec', ['T', 'A']), true);
  assert.equal(ownImplOf('impl<T> std::vec::Vec<T>', 'Vec', ['T', 'A']), true); // `A` its default
  assert.equal(ownImplOf('impl<T> std::option::Option<&T>', 'Option', ['T']), false);
  assert.equal(ownImplOf('impl<T, E> std::option::Option<Result<T, E>>', 'Option', ['T']), false);
  assert.equal(ownImplOf('impl std::vec::Vec<u8>', 'Vec', ['T', 'A']), false);
  assert.equal(ownImplOf('impl<T> Debug for std::sync::mpsc::Receiver<T>', 'Receiver', ['T']), false);
  assert.equal(ownImplOf('impl std::net::TcpListener', 'TcpListener', []), true);
  assert.equal(ownImplOf("impl<'a> std::fmt::Arguments<'a>", 'Arguments', []), true);
  assert.equal(resultText('alloc::alloc::AllocError'), 'std::alloc::AllocError');
  assert.equal(resultText('T', ['T']), 'T');
});

test('a result is kept only when it is written in std types, primitives and Self', () => {
  assert.equal(resultText("core::option::Option<&'a core::ffi::CStr>"), 'std::option::Option<&std::ffi::CStr>');
  assert.equal(resultText('Option<u8>'), undefined); // a name without its path
  assert.equal(resultText('std::io::Result<std::net::TcpStream>'), 'std::io::Result<std::net::TcpStream>');
  assert.equal(resultText("&'a mut Self"), '&mut Self');
  assert.equal(resultText("core::fmt::Arguments<'a>"), 'std::fmt::Arguments');
  assert.equal(resultText('T'), undefined);
  assert.equal(resultText('(u8, u8)'), undefined);
  assert.equal(resultText('impl core::iter::Iterator'), undefined);
  assert.equal(resultText('*mut u8'), undefined);
});
