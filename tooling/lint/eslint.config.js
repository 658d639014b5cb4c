// The workspace's ESLint configuration (flat config). Every package's `lint` script runs `eslint` on its
// sources with it; the root eslint.config.js re-exports it. It keeps the rules the former regex lint
// (tooling/scripts/lint.mjs) enforced, as ESLint rules:
// - a runtime-neutral package ("sealpost": { "runtime": "neutral" } in its package.json) and a browser
//   app import no Node module and use no Node-only global (Buffer, process), except in a `*.node.ts`
//   entry (the `node` export condition) and in tests;
// - no library logs through console (only the apps and tests may), so no key or body reaches a log by
//   accident.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Workspace folders whose package.json says `"sealpost": { "runtime": "neutral" }`. */
function neutralPackages() {
  const found = [];
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const name of readdirSync(join(ROOT, group))) {
      const manifest = join(ROOT, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      if (JSON.parse(readFileSync(manifest, 'utf8')).sealpost?.runtime === 'neutral') found.push(`${group}/${name}`);
    }
  }
  return found.sort();
}

/** Apps that run in a browser: the same rule as a runtime-neutral package. */
const BROWSER_APPS = ['apps/web'];

const SOURCES = '**/*.{ts,mts,cts,js,mjs,cjs}';
const TESTS = ['**/*.test.ts', '**/test/**', '**/test-support/**'];

// Bare names (`fs`, `path`); the `node:` forms are one pattern below.
const nodeModules = builtinModules.filter((name) => !name.startsWith('_') && !name.startsWith('node:'));

const runtimeNeutral = {
  name: 'sealpost/runtime-neutral',
  files: [...neutralPackages(), ...BROWSER_APPS].map((dir) => `${dir}/src/${SOURCES}`),
  ignores: ['**/*.node.ts', ...TESTS],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: nodeModules.map((name) => ({ name, message: 'A Node module in a runtime-neutral package: it must run in browsers and workers too (Node code belongs in a *.node.ts entry).' })),
        patterns: [{ group: ['node:*'], message: 'A Node module in a runtime-neutral package: it must run in browsers and workers too (Node code belongs in a *.node.ts entry).' }],
      },
    ],
    'no-restricted-syntax': ['error', { selector: 'ImportExpression[source.value=/^node:/]', message: 'A Node module in a runtime-neutral package (dynamic import).' }],
    'no-restricted-globals': [
      'error',
      { name: 'Buffer', message: "A Node-only global in a runtime-neutral package: use Uint8Array and core's byte helpers." },
      { name: 'process', message: 'A Node-only global in a runtime-neutral package.' },
    ],
  },
};

const noConsoleInLibraries = {
  name: 'sealpost/no-console-in-libraries',
  files: [`packages/*/src/${SOURCES}`, `tooling/*/src/${SOURCES}`],
  ignores: TESTS,
  rules: { 'no-console': 'error' },
};

export default tseslint.config(
  {
    name: 'sealpost/ignores',
    ignores: ['**/node_modules/**', '**/dist/**', '**/bundle/**', '**/coverage/**', '**/test-output/**', 'docs/api/**', 'tooling/fixtures/pki/**', 'tooling/fixtures/pki-paths/**'],
  },
  { name: 'sealpost/linter', linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    name: 'sealpost/typescript',
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    rules: {
      // Header, address and SMTP checks match control characters on purpose.
      'no-control-regex': 'off',
      // A leading underscore marks a parameter a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    name: 'sealpost/scripts',
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  runtimeNeutral,
  noConsoleInLibraries,
);
