// The SAFETY: injection grammar: valid JSON, injected into Rust comments only, and its pattern
// accepts what clippy accepts (any case, colon required).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const grammarPath = join(root, 'syntaxes', 'safety-comment.injection.json');

interface Grammar {
  scopeName: string;
  injectionSelector: string;
  patterns: { include: string }[];
  repository: Record<string, { match: string; name: string }>;
}

function loadGrammar(): Grammar {
  return JSON.parse(readFileSync(grammarPath, 'utf8')) as Grammar;
}

/** Oniguruma's leading `(?i)` is the one construct JS lacks; it becomes the `i` flag. */
function toJsRegExp(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const body = caseless ? pattern.slice(4) : pattern;
  assert.ok(!/\(\?[a-z]/.test(body), `unsupported inline flag in ${pattern}`);
  return new RegExp(body, caseless ? 'i' : '');
}

test('the grammar parses and targets Rust comments without redefining Rust', () => {
  const grammar = loadGrammar();
  assert.equal(grammar.scopeName, 'comment.safety.rust-send-sync');
  assert.match(grammar.injectionSelector, /source\.rust comment\.line/);
  assert.match(grammar.injectionSelector, /source\.rust comment\.block/);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: {
      grammars: { scopeName: string; path: string; injectTo?: string[]; language?: string }[];
      languages?: unknown;
    };
  };
  const entry = manifest.contributes.grammars.find((g) => g.scopeName === grammar.scopeName);
  assert.ok(entry, 'package.json contributes the grammar');
  assert.deepEqual(entry.injectTo, ['source.rust']);
  assert.equal(entry.language, undefined);
  assert.equal(manifest.contributes.languages, undefined);
  assert.equal(join(root, entry.path), grammarPath);
});

test('the SAFETY: pattern matches clippy-accepted comments, and not without a colon', () => {
  const grammar = loadGrammar();
  const included = grammar.patterns.map((p) => grammar.repository[p.include.replace(/^#/, '')]);
  const regexps = included.map((rule) => toJsRegExp(rule.match));
  const matches = (text: string): boolean => regexps.some((re) => re.test(text));
  for (const text of ['// SAFETY: x', '/* Safety: */', '/// safety: the pointer is owned', '//SAFETY:']) {
    assert.ok(matches(text), `should match ${text}`);
  }
  for (const text of ['// SAFETY the pointer is owned', '// safe: x', '/* SAFETY */']) {
    assert.ok(!matches(text), `should not match ${text}`);
  }
});
