// Finding many nodes' ancestors, and the items of a file from their keywords, in deep nesting:
// the forward walk that takes over there must find what asking each node from the root finds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRustParser, searchItems, withAncestors, type SyntaxNode } from '../../server/src/syntax/parser';
import { findWasmDir } from '../oracle/rust-items';

/** Fns nested `depth` deep, each with a method of an impl and a static in its body, some with no space before them. */
function nested(depth: number): string {
  let text = '';
  for (let i = 0; i < depth; i++)
    text += `fn f${i}() { // fn in a comment, "impl in a string"\n struct S${i}; impl S${i} { fn m${i}(&self) {} }\n struct T${i};impl T${i}{fn t${i}(){}}static X${i}: u8 = 0;\n`;
  return `${text}${'}\n'.repeat(depth)}impl Top { const C: u8 = 1; fn last() {} }\nmacro_rules! top { () => {} }\n`;
}

function walkingUp(node: SyntaxNode): number[] {
  const out: number[] = [];
  for (let p = node.parent; p; p = p.parent) out.unshift(p.id);
  return out;
}

function itemIds(found: Map<string, SyntaxNode[]>): string[] {
  return [...found].map(([type, nodes]) => `${type}: ${nodes.map((n) => n.id).join(' ')}`);
}

test('each node gets the ancestors that walking up from it finds, past the depth where the forward walk takes over', async () => {
  const parser = await createRustParser(findWasmDir());
  const tree = parser.parse(nested(120));
  const fns = searchItems(tree.rootNode).get('function_item')!;
  assert.equal(fns.length, 361);
  const seen: string[] = [];
  withAncestors(tree.rootNode, fns, (node, ancestors) => {
    assert.deepEqual(
      ancestors.map((a) => a.id),
      walkingUp(node),
    );
    seen.push(node.childForFieldName('name')!.text);
  });
  assert.equal(seen.length, fns.length);
  assert.equal(seen.at(-1), 'last');
  // The deepest method sits under 120 fns' bodies (each a function_item and a block, and more).
  const deepest = fns.find((f) => f.childForFieldName('name')?.text === 'm119')!;
  assert.ok(walkingUp(deepest).length > 240);
  // Out of document order, a node is still given its own ancestors.
  withAncestors(tree.rootNode, [...fns].reverse(), (node, ancestors) =>
    assert.deepEqual(
      ancestors.map((a) => a.id),
      walkingUp(node),
    ),
  );
  tree.delete();
});

test('the items found by keyword are the same whether the forward walk takes over at once or never', async () => {
  const parser = await createRustParser(findWasmDir());
  const texts = [nested(120), readFileSync(join(__dirname, '..', 'fixtures', 'verdicts', 'item-macros.rs'), 'utf8')];
  for (const text of texts) {
    const tree = parser.parse(text);
    const never = searchItems(tree.rootNode, Infinity);
    for (const type of ['impl_item', 'macro_definition']) assert.ok(never.get(type)!.length > 0, type);
    assert.deepEqual(itemIds(searchItems(tree.rootNode, 0)), itemIds(never));
    tree.delete();
  }
});
