// What users install, checked as they get it: every published package packed once, then publint --strict,
// attw --profile esm-only, the package metadata, and a consumer project type-checked against the tarballs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { CONSUMER_CONFIGS, checkConsumer, installConsumer } from './consumer.js';
import { packAll, type PackedPackage } from './pack.js';
import { publishedPackages } from './workspace.js';

const require = createRequire(import.meta.url);
const ATTW = join(dirname(require.resolve('@arethetypeswrong/cli/package.json')), 'dist/index.js');

const published = publishedPackages();
let scratch = '';
let packed: PackedPackage[] = [];
let consumer = '';
const attwVerdicts = new Map<string, Promise<{ status: number | null; output: string }>>();

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sealpost-package-checks-'));
  packed = packAll(published, join(scratch, 'tarballs'));
  consumer = installConsumer(join(scratch, 'consumer'), packed);
  // attw spends seconds per package in the compiler: three at a time while the other checks run.
  const queue = [...packed];
  const next = (): void => {
    const pkg = queue.shift();
    if (pkg === undefined) return;
    const verdict = attw(pkg.tarball);
    attwVerdicts.set(pkg.manifest.name, verdict);
    void verdict.finally(next);
  };
  for (let i = 0; i < 3; i++) next();
}, 300_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

function packedOf(name: string): PackedPackage {
  const pkg = packed.find((p) => p.manifest.name === name);
  if (pkg === undefined) throw new Error(`${name} was not packed`);
  return pkg;
}

/** attw's verdict on one tarball under the esm-only profile (CommonJS resolutions ignored): its problems. */
function attw(tarball: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ATTW, tarball, '--profile', 'esm-only', '--format', 'ascii'], { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => resolve({ status: null, output: error.message }));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

it('finds the published packages', () => {
  expect(published.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@sealpost/core', '@sealpost/backend-pkijs', '@sealpost/backend-openssl']));
});

describe.each(published.map((p) => [p.manifest.name] as const))('%s', (name) => {
  it('passes publint --strict', async () => {
    const pkg = packedOf(name);
    const tarball = readFileSync(pkg.tarball);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`)).toEqual([]);
  });

  it('passes attw --profile esm-only', async () => {
    // Started in beforeAll, three at a time: wait until this package's turn has come and gone.
    while (!attwVerdicts.has(name)) await new Promise((resolve) => setTimeout(resolve, 50));
    const { status, output } = await attwVerdicts.get(name)!;
    expect(status, output).toBe(0);
  });

  it('names its repository, folder, homepage and issue tracker', () => {
    const { manifest, directory } = packedOf(name);
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(manifest.repository?.directory).toBe(directory);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs?.url).toMatch(/^https:\/\//);
  });

  it('ships the sources its source maps name, and no build info', () => {
    const files = installedFiles(name);
    const missing = new Set<string>();
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const text = readFileSync(join(consumer, 'node_modules', name, map), 'utf8');
      const { sources, sourcesContent } = JSON.parse(text) as { sources: string[]; sourcesContent?: unknown[] };
      if (sourcesContent !== undefined && sourcesContent.length === sources.length) continue;
      for (const source of sources) {
        const resolved = posix.join(posix.dirname(map), source);
        if (!files.includes(resolved)) missing.add(`${map} -> ${resolved}`);
      }
    }
    expect([...missing]).toEqual([]);
    expect(files.filter((f) => f.endsWith('.tsbuildinfo') || /\.test\.[cm]?[jt]s$/.test(f))).toEqual([]);
  });

  it('depends on version ranges, not exact pins', () => {
    const { dependencies = {} } = packedOf(name).manifest;
    const pinned = Object.entries(dependencies).filter(([dep, range]) => !dep.startsWith('@sealpost/') && /^\d/.test(range));
    expect(pinned).toEqual([]);
  });
});

describe('a consumer project type-checks against the packed packages (skipLibCheck off)', () => {
  it.each(CONSUMER_CONFIGS.map((c) => [c.name, c] as const))('%s', (_, config) => {
    const { ok, output } = checkConsumer(consumer, config);
    expect(ok, output).toBe(true);
  });
});

/** The files of an installed package as its tarball had them (paths relative to the package). */
function installedFiles(name: string): string[] {
  const root = join(consumer, 'node_modules', name);
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) return dir === '' && entry.name === 'node_modules' ? [] : walk(path);
      return entry.isFile() ? [path] : [];
    });
  return walk('');
}
