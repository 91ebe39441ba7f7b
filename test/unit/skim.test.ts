// skimDependency blanks a dependency's comments and plain fn bodies before it is parsed, and
// blankItemMacroBodies the insides of item-level macro calls before a file's own tree is parsed.
// Each case marks with «» what must be blanked (every other character must stay as it is); then,
// on every Rust file of this repository, the blanked text must keep each item where it was.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRustParser, type SyntaxNode } from '../../server/src/syntax/parser';
import { blankItemMacroBodies, skimDependency } from '../../server/src/syntax/skim';
import { findWasmDir, REPO_ROOT } from '../oracle/rust-items';

const CASES: [string, string][] = [
  ['a line comment, a `{` in it', 'struct A;«// c {»\nstruct B;'],
  ['doc comments and nested block comments', '«/// doc»\n«/* a /* b */ c */»struct A;'],
  ['a plain fn body', 'fn f() -> u8 {« 1 + 2 »}'],
  ['an async fn', 'pub(crate) async unsafe fn f() { x().await }'],
  ['a fn returning impl Future', 'fn f() -> impl Future<Output = ()> { async {} }'],
  ['a fn returning a named future', "fn f(&self) -> BoxFuture<'_, ()> { Box::pin(async {}) }"],
  ['a body that holds an impl', 'fn f() { unsafe impl Send for X {} }'],
  ['an impl named only in a comment', 'fn f() {«\n    // impl Send\n    1\n»}'],
  ['braces in strings and chars', "fn f() {« let s = \"}\"; let c = '}'; let b = b'}'; »}\nstruct After;"],
  ['an escaped quote', 'fn f() {« let s = "a\\"}"; »}\nstruct After;'],
  ['raw strings', 'fn f() {« let r = r#"}" "#; let s = br"\\"; »}\nstruct After;'],
  ['escaped and wide chars', "fn f() {« let c = '\\''; let d = '\\u{7D}'; let e = '😀'; »}\nstruct After;"],
  ['lifetimes', "fn f<'a>(x: &'a str) -> &'a str {« x »}\nstruct After<'b>(&'b u8);"],
  ['a raw identifier as the name', 'fn r#match() {« 1 »}'],
  ['fn pointer types', 'struct S { f: fn(u8) -> u8 }\ntype F = fn() -> u8;'],
  ['an impl for a fn pointer type', 'impl Tr for fn(u8) { fn x(&self) -> u8 {« 1 »} }'],
  ['trait methods with and without bodies', 'trait T { fn f(&self); fn g(&self) -> u8 {« 1 »} }'],
  ['a const generic block in the signature', 'fn f() -> Foo<{ N + 1 }> {« 2 »}'],
  ['a where clause with Fn(..) ->', 'fn f<F>(g: F) -> u8 where F: Fn(u8) -> u8 {« g(1) »}'],
  ['macro_rules! transcribers', 'macro_rules! m { () => { fn f() { 1 } }; }'],
  ['item macro bodies, whose comments go', 'cfg_rt! { «// c»\n fn f() { 1 } }\nfn g() {« 2 »}'],
  ['a fn nested in an async fn', 'async fn f() { fn g() {« 1 »} g() }'],
  ['an unterminated body', 'fn f() { 1 '],
  ['CRLF line breaks', '«// a»\r\nfn f() {«\r\n 1\r\n»}'],
  ['lines longer than a run of spaces at once', `fn f() {« ${'x + '.repeat(200)}\n\n${'y'.repeat(256)}\n»}`],
  ['a shebang line', '#!/usr/bin/env run\nfn f() {« 1 »}'],
  ['an inner attribute is not a shebang', '#![allow(x)]\nfn f() {« 1 »}'],
  ['methods of an impl', 'impl X { pub fn f(&self) -> bool {« self.a != self.b »} }'],
];

/** The input (markers removed) and what skimming must make of it. */
function expectation(marked: string): { input: string; expected: string } {
  const input = marked.replace(/[«»]/g, '');
  const expected = marked.replace(/«([^»]*)»/g, (_, blanked: string) =>
    blanked.replace(/[^\r\n]/gu, (c) => ' '.repeat(c.length)),
  );
  return { input, expected };
}

for (const [what, marked] of CASES) {
  test(`skimDependency: ${what}`, () => {
    const { input, expected } = expectation(marked);
    assert.equal(skimDependency(input), expected);
  });
}

const MACRO_CASES: [string, string][] = [
  ['an item macro at the top level', 'cfg_rt! {« pub struct X; »}\nstruct Y { a: u8 }'],
  ['a call by path with parentheses, after an attribute', '#[cfg(x)]\ntokio::cfg_net!(« struct A; »);'],
  ['calls in a fn body are not items', 'fn f() { m! { 1 } }\nconst C: u8 = m!(1);\nstatic S: u8 = { m! { 2 } };'],
  ['a macro_rules! definition is kept', 'macro_rules! m { () => { struct A; } }\nm! {« x »}'],
  ['in an inline module and an impl', 'mod a { s! {« pub struct T { x: u8 } »} }\nimpl X { cfg_x! {« fn f() {} »} }'],
  ['in a trait, after a unsafe impl', 'unsafe impl Send for X {}\ntrait T { m! {« fn f(); »} }'],
  [
    "cfg_if!: its conditions stay, its branches' insides go",
    'cfg_if::cfg_if! { if #[cfg(unix)] {« mod unix; »} else if #[cfg(windows)] {« mod win; »} else {« mod o; »} }',
  ],
  ['a leading inner attribute stays', 'feature! { #![feature = "fs"]« pub struct F; »}'],
  ['braces in strings and comments inside', 'm! {« let s = "}"; // }\n »}\nstruct After;'],
  ['an inner attribute of a module', 'pub(crate) mod m { #![allow(x)] foo!{« a »} }'],
  ['an unterminated call is left', 'm! { struct A;'],
  ['a struct with a block in its fields is not a module', 'struct S { a: [u8; { m!{ 1 } }] }\nm!{« b »}'],
  ['a fn whose name is a keyword-like word', 'fn r#mod() { m!{ 1 } }\nimpl_x! {« y »}'],
];

for (const [what, marked] of MACRO_CASES) {
  test(`blankItemMacroBodies: ${what}`, () => {
    const { input, expected } = expectation(marked);
    assert.equal(blankItemMacroBodies(input), expected);
  });
}

/** The examples' and tests' Rust files. */
const repositoryRustFiles = () => [...rustFiles(join(REPO_ROOT, 'examples')), ...rustFiles(join(REPO_ROOT, 'test'))];

function rustFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) rustFiles(path, out);
    else if (entry.name.endsWith('.rs')) out.push(path);
  }
  return out;
}

/** Each item's kind and extent, into modules, impls and traits (comments and fn bodies not). */
function outline(node: SyntaxNode, out: string[] = []): string[] {
  for (const child of node.namedChildren) {
    if (!child || child.type === 'line_comment' || child.type === 'block_comment') continue;
    const header = child.type === 'function_item' ? child.childForFieldName('body')?.startIndex : child.endIndex;
    out.push(`${child.type} ${child.startIndex}-${header ?? child.endIndex} ${child.hasError ? 'error' : ''}`);
    const body = child.childForFieldName('body');
    if (body && child.type !== 'function_item') outline(body, out);
  }
  return out;
}

test("skimDependency: on this repository's Rust files, every item keeps its place and nothing else changes", async () => {
  const parser = await createRustParser(findWasmDir());
  const files = repositoryRustFiles();
  assert.ok(files.length > 100, `only ${files.length} files`);
  let blanked = 0;
  let total = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const skimmed = skimDependency(text);
    assert.equal(skimmed.length, text.length, file);
    for (let i = 0; i < text.length; i++) {
      if (skimmed[i] === text[i]) continue;
      assert.ok(skimmed[i] === ' ' && text[i] !== '\n' && text[i] !== '\r', `${file}: offset ${i} changed`);
      blanked++;
    }
    total += text.length;
    const before = parser.parse(text);
    const after = parser.parse(skimmed);
    try {
      assert.deepEqual(outline(after.rootNode), outline(before.rootNode), file);
    } finally {
      before.delete();
      after.delete();
    }
  }
  // Not a no-op: these files are mostly tests and fixtures, their fn bodies and comments many.
  assert.ok(blanked > total / 5, `${blanked} of ${total} characters blanked`);
});

/** The insides of the item-level macro calls' token trees (into modules, impls and traits). */
function macroBodies(node: SyntaxNode, out: [number, number][] = []): [number, number][] {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const call = child.type === 'expression_statement' ? child.namedChildren[0] : child;
    if (call?.type === 'macro_invocation') {
      const tokens = call.namedChildren.find((c) => c?.type === 'token_tree');
      if (tokens) out.push([tokens.startIndex + 1, tokens.endIndex - 1]);
    }
    const body = child.childForFieldName('body');
    if (body && child.type !== 'function_item') macroBodies(body, out);
  }
  return out;
}

test("blankItemMacroBodies: on this repository's Rust files, items keep their places and only item macros' bodies change", async () => {
  const parser = await createRustParser(findWasmDir());
  const files = repositoryRustFiles();
  let blanked = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const out = blankItemMacroBodies(text);
    assert.equal(out.length, text.length, file);
    const before = parser.parse(text);
    const after = parser.parse(out);
    try {
      const bodies = macroBodies(before.rootNode);
      for (let i = 0; i < text.length; i++) {
        if (out[i] === text[i]) continue;
        assert.ok(out[i] === ' ' && text[i] !== '\n' && text[i] !== '\r', `${file}: offset ${i} changed`);
        assert.ok(
          bodies.some(([start, end]) => start <= i && i < end),
          `${file}: offset ${i} is not in an item macro's body`,
        );
        blanked++;
      }
      assert.deepEqual(outline(after.rootNode), outline(before.rootNode), file);
    } finally {
      before.delete();
      after.delete();
    }
  }
  // Not a no-op: the fixtures call item macros (cfg_if!, bitflags!, cfg_*!, pin_project!).
  assert.ok(blanked > 500, `${blanked} characters blanked`);
});
