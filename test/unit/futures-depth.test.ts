// A body nested deeper than the futures walk follows (a generated or broken file: thousands of
// blocks or parentheses) gives an `unknown` future that says why, instead of overflowing JS's
// stack and failing the whole file's analysis; a body within the limit is read as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../server/src/engine';
import { findWasmDir } from '../oracle/rust-items';

const nested = (depth: number, open: string, inner: string, close: string) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

test('a deeply nested async body gives an unknown future, not a stack overflow', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  for (const [what, body] of [
    ['blocks', nested(3000, '{ ', 'tick().await;', ' }')],
    ['parentheses', `let x = ${nested(3000, '(', '1u8', ')')}; tick().await; drop(x);`],
    ['closures', `let f = ${nested(1500, '|| ', '1u8', '')}; tick().await; drop(f);`],
  ]) {
    const text = `pub async fn tick() {}\npub async fn deep() {\n    ${body}\n}\n`;
    const analysis = engine.analyze(text);
    const deep = analysis.futures?.find((f) => f.name === 'deep');
    assert.ok(deep, `${what}: the future is reported`);
    assert.equal(deep.send.status, 'unknown', what);
    assert.ok(
      deep.send.reasons.some((r) => r.includes('nests more than')),
      `${what}: ${deep.send.reasons.join(' / ')}`,
    );
  }
});

test('a body nested within the limit is read', async () => {
  const engine = await createEngine({ wasmDir: findWasmDir() });
  const text = `pub async fn tick() {}\npub async fn shallow() {\n    let r = std::rc::Rc::new(${nested(40, '(', '1u8', ')')});\n    ${nested(40, '{ ', 'tick().await;', ' }')}\n    drop(r);\n}\n`;
  const shallow = engine.analyze(text).futures?.find((f) => f.name === 'shallow');
  assert.equal(shallow?.send.status, 'no', shallow?.send.reasons.join(' / '));
});
