// `npm run sync:manifest`: writes package.json's `contributes.configuration.properties` from the
// server's one settings definition (which takes a setting per rule from the catalogue), so a new
// rule needs no hand edit of the manifest. test/unit/settings.test.ts fails until this is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema } from '../server/src/features/settings';

const path = join(__dirname, '..', 'package.json');
const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
  contributes: { configuration: { properties: unknown } };
};
manifest.contributes.configuration.properties = settingsSchema();
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`wrote ${Object.keys(settingsSchema()).length} settings to package.json\n`);
