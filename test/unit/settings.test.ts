// Holds package.json's `contributes.configuration` to the server's one settings definition, and
// checks how raw client settings become typed Settings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../common/protocol';
import { DOCS_BASE_URL, ruleDocsUrl } from '../../server/src/present/rule-docs';
import { RULE_CODES, RULES } from '../../server/src/rules';
import { defaultSettings, parseSettings, settingsSchema, severityFor } from '../../server/src/features/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes?: { configuration?: { properties?: Record<string, unknown> }; commands?: { command: string }[] };
};

test('package.json contributes exactly the settings the server defines', () => {
  assert.deepEqual(
    manifest.contributes?.configuration?.properties,
    settingsSchema(),
    'package.json is out of step with the settings: run `npm run sync:manifest`',
  );
});

test('package.json contributes exactly the commands the client registers', () => {
  const listed = (manifest.contributes?.commands ?? []).map((c) => c.command).sort();
  assert.deepEqual(listed, Object.values(COMMANDS).sort());
});

test('every rule has its README section, where its diagnostics link', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const rule of RULES) {
    assert.ok(readme.includes(`\n### ${rule.code}\n`), `README.md has no \`### ${rule.code}\` section`);
    assert.equal(ruleDocsUrl(rule.code), `${DOCS_BASE_URL}#${rule.code}`);
  }
});

test('every rule code has a severity setting', () => {
  const keys = Object.keys(settingsSchema());
  for (const code of RULE_CODES) assert.ok(keys.includes(`rustSendSync.rules.${code}`), code);
});

test('package.json activates on Rust and contributes the restart command', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:rust']);
  assert.ok(manifest.contributes?.commands?.some((c) => c.command === 'rustSendSync.restartServer'));
});

test('parseSettings reads the nested section a client sends', () => {
  const settings = parseSettings({ enable: false, rules: { 'risky-field': 'off', 'missing-bound': 'error' } });
  assert.equal(settings.enable, false);
  assert.equal(settings.rules['risky-field'], 'off');
  assert.equal(settings.rules['missing-bound'], 'error');
  assert.equal(settings.rules['missing-safety-comment'], 'warning');
  assert.equal(severityFor('risky-field', settings), undefined);
  assert.equal(severityFor('missing-bound', settings), 'error');
});

test('parseSettings keeps defaults for malformed input', () => {
  for (const raw of [undefined, null, 42, 'x', [], { enable: 'no', rules: { 'risky-field': 'loud' } }]) {
    assert.deepEqual(parseSettings(raw), defaultSettings(), JSON.stringify(raw));
  }
});
