// The Node versions Sealpost says it supports are the ones tooling/scripts/node-matrix.mjs tests: every
// package.json's `engines` and the README name them. And the preload that lets the other versions' runs
// use their own build of better-sqlite3 redirects the workspace's copy, and nothing else.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from './workspace.js';

interface NodeVersions {
  readonly tested: readonly string[];
  readonly engines: string;
}

const VERSIONS = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'tooling', 'scripts', 'node-versions.json'), 'utf8')) as NodeVersions;
const REDIRECT = join(WORKSPACE_ROOT, 'tooling', 'scripts', 'native-addon-redirect.cjs');
const major = (version: string): number => Number(/^\D*(\d+)/.exec(version)?.[1]);

/** Every package.json of the workspace: the root and each folder of packages/, apps/ and tooling/. */
function manifests(): { path: string; engines?: { node?: string } }[] {
  const paths = [join(WORKSPACE_ROOT, 'package.json')];
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const entry of readdirSync(join(WORKSPACE_ROOT, group), { withFileTypes: true })) {
      const path = join(WORKSPACE_ROOT, group, entry.name, 'package.json');
      if (entry.isDirectory() && readdirSync(join(WORKSPACE_ROOT, group, entry.name)).includes('package.json')) paths.push(path);
    }
  }
  return paths.map((path) => ({ path, ...(JSON.parse(readFileSync(path, 'utf8')) as { engines?: { node?: string } }) }));
}

describe('the supported Node versions', () => {
  it('engines names exactly the tested release lines, each with a floor in it', () => {
    const alternatives = VERSIONS.engines.split('||').map((part) => part.trim());
    expect(alternatives.map(major)).toEqual(VERSIONS.tested.map(major));
    for (const [i, part] of alternatives.entries()) {
      // ^X.Y.Z admits X.Y.Z up to the next major: the tested release must be inside it.
      const [floorMajor, floorMinor, floorPatch] = part.replace(/^\^/, '').split('.').map(Number);
      const [m, n, p] = (VERSIONS.tested[i] ?? '').split('.').map(Number);
      expect(part.startsWith('^')).toBe(true);
      expect(m === floorMajor && (n! > floorMinor! || (n === floorMinor && p! >= floorPatch!))).toBe(true);
    }
  });

  it('every package.json states that range', () => {
    const wrong = manifests()
      .filter((m) => m.engines?.node !== VERSIONS.engines)
      .map((m) => `${m.path.slice(WORKSPACE_ROOT.length)}: ${m.engines?.node ?? '(none)'}`);
    expect(wrong).toEqual([]);
  });

  it('the README names each tested version', () => {
    const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');
    for (const version of VERSIONS.tested) expect(readme).toContain(version);
    const majors = VERSIONS.tested.map(major);
    expect(readme).toContain(`Node ${majors.slice(0, -1).join(', ')} and ${majors.at(-1)}`);
  });
});

// The workspace's better-sqlite3 build, as keystore-sqlite resolves it.
const requireFromKeystore = createRequire(join(WORKSPACE_ROOT, 'packages', 'keystore-sqlite', 'package.json'));
const ADDON = join(realpathSync(dirname(requireFromKeystore.resolve('better-sqlite3/package.json'))), 'build', 'Release', 'better_sqlite3.node');
const scratch = mkdtempSync(join(tmpdir(), 'sealpost-native-redirect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs SCRIPT in a Node with the preload and SEALPOST_NATIVE_ADDONS=ADDONS (when given); the script
 * prints which better_sqlite3.node files the process mapped (Linux's /proc/self/maps).
 */
function runWithRedirect(script: string, addons: string | undefined): { status: number | null; out: string; err: string } {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--require=${REDIRECT}`, SEALPOST_NATIVE_ADDONS: addons };
  const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: join(WORKSPACE_ROOT, 'packages', 'keystore-sqlite'), env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const OPEN_DATABASE = `
const Database = require('better-sqlite3');
new Database(':memory:').prepare('select 1').get();
const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n');
console.log([...new Set(maps.filter((l) => l.endsWith('better_sqlite3.node')).map((l) => l.slice(l.indexOf('/'))))].join('\\n'));
`;

/** A folder laid out as node-matrix.mjs fills it, for the running Node's ABI, holding FILE. */
function addonsFolder(name: string, file: string | Uint8Array): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, `node-v${process.versions.modules}`), { recursive: true });
  const target = join(dir, `node-v${process.versions.modules}`, 'better_sqlite3.node');
  if (typeof file === 'string') copyFileSync(file, target);
  else writeFileSync(target, file);
  return dir;
}

describe.skipIf(process.platform !== 'linux')('native-addon-redirect.cjs (reads /proc/self/maps)', () => {
  it('without SEALPOST_NATIVE_ADDONS, the workspace build is loaded', () => {
    const r = runWithRedirect(OPEN_DATABASE, undefined);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe(ADDON);
  });

  it('with it, the build for the running ABI is loaded instead', () => {
    const addons = addonsFolder('copy', ADDON);
    const r = runWithRedirect(OPEN_DATABASE, addons);
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe(join(addons, `node-v${process.versions.modules}`, 'better_sqlite3.node'));
  });

  it('a folder without a build for this ABI changes nothing', () => {
    const addons = join(scratch, 'other-abi');
    mkdirSync(join(addons, 'node-v1'), { recursive: true });
    copyFileSync(ADDON, join(addons, 'node-v1', 'better_sqlite3.node'));
    const r = runWithRedirect(OPEN_DATABASE, addons);
    expect(r.out.trim()).toBe(ADDON);
  });

  it('a better-sqlite3 outside the workspace (as npm installs it for a user) is not redirected', () => {
    const addons = addonsFolder('not-an-addon', new TextEncoder().encode('not a shared object'));
    const elsewhere = join(scratch, 'project', 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(ADDON, join(elsewhere, 'better_sqlite3.node'));
    const load = (file: string): string => `process.dlopen({ exports: {} }, ${JSON.stringify(file)}); console.log('loaded');`;
    expect(runWithRedirect(load(join(elsewhere, 'better_sqlite3.node')), addons).out.trim()).toBe('loaded');
    // The same folder does redirect the workspace's copy: the garbage file is what fails to load.
    const workspace = runWithRedirect(load(ADDON), addons);
    expect(workspace.status).not.toBe(0);
    expect(workspace.err).toContain(join(addons, `node-v${process.versions.modules}`, 'better_sqlite3.node'));
  });
});
