// The rules the former regex lint enforced, checked through ESLint with the workspace's own config.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function rulesHit(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('runtime-neutral packages and browser apps', () => {
  it.each(['packages/core/src/x.ts', 'packages/backend-pkijs/src/x.ts', 'packages/transport-sparkpost/src/x.ts', 'apps/web/src/x.ts'])('%s imports no Node module', async (file) => {
    expect(await rulesHit(file, "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toEqual(['no-restricted-imports']);
    expect(await rulesHit(file, "import { join } from 'path';\nexport const j = join;\n")).toEqual(['no-restricted-imports']);
    expect(await rulesHit(file, "export const m = await import('node:crypto');\n")).toEqual(['no-restricted-syntax']);
  });

  it('use no Node-only global', async () => {
    expect(await rulesHit('packages/core/src/x.ts', 'export const b = Buffer.from([1]);\n')).toEqual(['no-restricted-globals']);
    expect(await rulesHit('packages/keystore-memory/src/x.ts', "export const e = process.env['HOME'];\n")).toEqual(['no-restricted-globals']);
  });

  it('may use Node in a *.node.ts entry and in tests', async () => {
    expect(await rulesHit('packages/backend-pkijs/src/index.node.ts', "import { webcrypto } from 'node:crypto';\nexport const c = webcrypto;\n")).toEqual([]);
    expect(await rulesHit('packages/core/src/x.test.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toEqual([]);
  });

  it('Node-only packages may import Node modules', async () => {
    expect(await rulesHit('packages/backend-openssl/src/x.ts', "import { spawn } from 'node:child_process';\nexport const s = spawn;\n")).toEqual([]);
  });
});

describe('console output', () => {
  it('is refused in libraries and tooling sources', async () => {
    expect(await rulesHit('packages/transport-smtp/src/x.ts', "console.log('sent');\n")).toEqual(['no-console']);
    expect(await rulesHit('tooling/fixtures/src/x.ts', "console.error('x');\n")).toEqual(['no-console']);
  });

  it('is allowed in the apps and in tests', async () => {
    expect(await rulesHit('apps/sealpost/src/x.ts', "console.log('done');\n")).toEqual([]);
    expect(await rulesHit('packages/core/src/x.test.ts', "console.log('debug');\n")).toEqual([]);
  });
});
