// ESLint (flat config): type-aware typescript-eslint rules over every TypeScript file, and the import
// boundaries between the floors of the server (see FLOORS below). Every rule is an error; prettier
// owns formatting (eslint-config-prettier turns off every rule that would fight it).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const root = dirname(fileURLToPath(import.meta.url));

// The floors, read bottom-up and never back: each folder (or file) may import, of our own code,
// only what its `allow` lists (folders and files relative to the repository root), and, of
// packages (and node: modules), none that `forbid` matches. Our imports are resolved to files
// before they are checked, so '../engine', '../engine/index' and '../../src/engine' are the same.
const NO_PACKAGES = '^(?!\\.)'; // anything not relative
const FLOORS = [
  { name: 'common/', files: ['common/**'], allow: ['common'], forbid: NO_PACKAGES },
  {
    name: 'syntax/',
    files: ['server/src/syntax/**'],
    allow: ['server/src/syntax'],
    forbid: '^(?!\\.|node:|web-tree-sitter$)',
  },
  { name: 'cargo/', files: ['server/src/cargo/**'], allow: ['server/src/cargo'], forbid: '^(?!\\.|node:)' },
  {
    name: 'model/',
    files: ['server/src/model/**'],
    allow: ['server/src/syntax', 'server/src/model'],
    forbid: NO_PACKAGES,
  },
  {
    name: 'traits/',
    files: ['server/src/traits/**'],
    allow: ['server/src/syntax', 'server/src/model', 'server/src/traits'],
    forbid: NO_PACKAGES,
  },
  {
    name: 'futures/',
    files: ['server/src/futures/**'],
    allow: ['server/src/syntax', 'server/src/model', 'server/src/traits', 'server/src/futures'],
    forbid: NO_PACKAGES,
  },
  {
    name: 'rules/',
    files: ['server/src/rules/**'],
    allow: ['server/src/syntax', 'server/src/model', 'server/src/traits', 'server/src/futures', 'server/src/rules'],
    forbid: NO_PACKAGES,
  },
  {
    name: 'engine/',
    files: ['server/src/engine/**'],
    allow: [
      'server/src/syntax',
      'server/src/cargo',
      'server/src/model',
      'server/src/traits',
      'server/src/futures',
      'server/src/rules',
      'server/src/engine',
    ],
    forbid: NO_PACKAGES,
  },
  {
    name: 'present/',
    files: ['server/src/present/**'],
    // traits/ only for its types: see TYPE_ONLY below.
    allow: ['server/src/model', 'server/src/traits', 'server/src/rules', 'server/src/engine', 'server/src/present'],
    forbid: NO_PACKAGES,
    typeOnly: ['traits'],
  },
  {
    name: 'features/ and server.ts',
    files: ['server/src/features/**', 'server/src/server.ts'],
    allow: [
      'common',
      'server/src/syntax',
      'server/src/cargo',
      'server/src/model',
      'server/src/traits',
      'server/src/rules',
      'server/src/engine',
      'server/src/present',
      'server/src/features',
      'server/src/server.ts',
    ],
    // Nothing of Node: both entries below run this core, one of them in a web worker.
    forbid: '^(?!\\.|vscode-languageserver$|vscode-languageserver-textdocument$)',
  },
  {
    name: 'node-server.ts',
    files: ['server/src/node-server.ts'],
    allow: ['server/src/cargo', 'server/src/engine', 'server/src/features', 'server/src/server.ts'],
    forbid: '^(?!\\.|node:|vscode-languageserver/node$)',
  },
  {
    name: 'browser-server.ts and browser-main.ts',
    files: ['server/src/browser-server.ts', 'server/src/browser-main.ts'],
    // The web worker: no Node module, no file of the Node entry (node-fs, node-server).
    allow: [
      'common',
      'server/src/syntax',
      'server/src/engine',
      'server/src/features',
      'server/src/server.ts',
      'server/src/browser-server.ts',
    ],
    forbid: '^(?!\\.|vscode-languageserver/browser$)',
  },
  {
    name: 'cli/, cli.ts, cli-start.ts and main.ts',
    files: ['server/src/cli/**', 'server/src/cli.ts', 'server/src/cli-start.ts', 'server/src/main.ts'],
    // package.json: cli.ts reads the version from the manifest (inlined by esbuild).
    allow: ['common', 'server/src', 'package.json'],
    // Any package but those of the editor: only features/ and server.ts speak LSP.
    forbid: '^(vscode$|vscode-languageclient|vscode-languageserver)',
  },
  {
    name: 'client/src/',
    files: ['client/src/**'],
    allow: ['common', 'client/src'],
    // The client never knows the server's side of LSP.
    forbid: '^vscode-languageserver',
  },
];

// One config per floor: no-restricted-paths for our files (resolved), no-restricted-imports for packages.
const boundaryConfigs = FLOORS.map((floor) => {
  const patterns = [
    { regex: floor.forbid, message: `${floor.name} may not import this package (see FLOORS in eslint.config.mjs).` },
  ];
  for (const folder of floor.typeOnly ?? []) {
    patterns.push({
      regex: `(^|/)${folder}(/|$)`,
      allowTypeImports: true,
      message: `${floor.name} may import only types from ${folder}/ (import type ...).`,
    });
  }
  return {
    name: `floors/${floor.name}`,
    files: floor.files.map((f) => (f.endsWith('**') ? `${f}/*.ts` : f)),
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: floor.files.map((f) => f.replace(/\/\*\*$/, '')),
              from: '.',
              except: [...floor.allow, 'node_modules'],
              message: `${floor.name} may import only ${floor.allow.join(', ')} of ours (see FLOORS in eslint.config.mjs).`,
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    },
  };
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'test/fixtures/**',
      'test/e2e/fixture/**',
      'examples/**',
      '.vscode-test/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' } },
  js.configs.recommended,
  comments.recommended,
  {
    rules: {
      // No disable comment without the reason next to it (`-- why`).
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/no-unused-disable': 'error',
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },

  // TypeScript: the type-checked sets, against tsconfig.json.
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: globals.node,
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test collects the promises of test() and describe() itself.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
      // An import that does not resolve would slip past no-restricted-paths, so none may exist.
      // `vscode` is provided by the editor at run time (only @types/vscode is installed).
      'import-x/no-unresolved': ['error', { ignore: ['^vscode$'] }],
    },
  },

  // The floors (see FLOORS above).
  ...boundaryConfigs,

  // Plain JavaScript: the build script, this file and the bench helpers; not in tsconfig.json.
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },

  prettier,
);
