// The Node versions Sealpost says it supports are the ones tooling/scripts/node-matrix.mjs tests: every
// package.json's `engines` and the README name them. And the preload that lets the other versions' runs
// use their own build of better-sqlite3 redirects the workspace's copy, and nothing else.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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

// The workspace's better-sqlite3 build, as keystore-sqlite resolves it: built for the Node that installed the
// workspace. Under node-matrix.mjs this test runs in another Node, whose build of it is in its folder.
const requireFromKeystore = createRequire(join(WORKSPACE_ROOT, 'packages', 'keystore-sqlite', 'package.json'));
const ADDON = join(realpathSync(dirname(requireFromKeystore.resolve('better-sqlite3/package.json'))), 'build', 'Release', 'better_sqlite3.node');
const ABI_DIR = `node-v${process.versions.modules}`;
const matrixBuild = process.env['SEALPOST_NATIVE_ADDONS'] === undefined ? undefined : join(process.env['SEALPOST_NATIVE_ADDONS'], ABI_DIR, 'better_sqlite3.node');
/** A better_sqlite3.node the running Node can load. */
const LOADABLE = matrixBuild !== undefined && existsSync(matrixBuild) ? matrixBuild : ADDON;
const scratch = mkdtempSync(join(tmpdir(), 'sealpost-native-redirect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs SCRIPT in the running Node with the preload (when asked) and SEALPOST_NATIVE_ADDONS=ADDONS
 * (when given), and with neither from this process's environment.
 */
function runNode(script: string, options: { preload: boolean; addons?: string }): Run {
  const env = { ...process.env, NODE_OPTIONS: options.preload ? `--require=${REDIRECT}` : undefined, SEALPOST_NATIVE_ADDONS: options.addons };
  const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: join(WORKSPACE_ROOT, 'packages', 'keystore-sqlite'), env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// Opens a database and prints which better_sqlite3.node files the process mapped (Linux's /proc/self/maps).
const OPEN_DATABASE = `
const Database = require('better-sqlite3');
new Database(':memory:').prepare('select 1').get();
const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n');
console.log([...new Set(maps.filter((l) => l.endsWith('better_sqlite3.node')).map((l) => l.slice(l.indexOf('/'))))].join('\\n'));
`;

/** A folder laid out as node-matrix.mjs fills it, for the running Node's ABI, holding FILE. */
function addonsFolder(name: string, file: string | Uint8Array): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, ABI_DIR), { recursive: true });
  const target = join(dir, ABI_DIR, 'better_sqlite3.node');
  if (typeof file === 'string') copyFileSync(file, target);
  else writeFileSync(target, file);
  return dir;
}

describe.skipIf(process.platform !== 'linux')('native-addon-redirect.cjs (reads /proc/self/maps)', () => {
  it('without SEALPOST_NATIVE_ADDONS, a process loads what it loads without the preload', () => {
    const plain = runNode(OPEN_DATABASE, { preload: false });
    expect(runNode(OPEN_DATABASE, { preload: true })).toEqual(plain);
    // The workspace's build, or (under another Node) the error that names it.
    expect(`${plain.out}${plain.err}`).toContain(ADDON);
  });

  it('with it, the build for the running ABI is loaded instead', () => {
    const addons = addonsFolder('copy', LOADABLE);
    const r = runNode(OPEN_DATABASE, { preload: true, addons });
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe(join(addons, ABI_DIR, 'better_sqlite3.node'));
  });

  it('a folder without a build for this ABI changes nothing', () => {
    const addons = join(scratch, 'other-abi');
    mkdirSync(join(addons, 'node-v1'), { recursive: true });
    copyFileSync(LOADABLE, join(addons, 'node-v1', 'better_sqlite3.node'));
    expect(runNode(OPEN_DATABASE, { preload: true, addons })).toEqual(runNode(OPEN_DATABASE, { preload: false }));
  });

  it('a better-sqlite3 outside the workspace (as npm installs it for a user) is not redirected', () => {
    const addons = addonsFolder('not-an-addon', new TextEncoder().encode('not a shared object'));
    const elsewhere = join(scratch, 'project', 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(LOADABLE, join(elsewhere, 'better_sqlite3.node'));
    const load = (file: string): string => `process.dlopen({ exports: {} }, ${JSON.stringify(file)}); console.log('loaded');`;
    expect(runNode(load(join(elsewhere, 'better_sqlite3.node')), { preload: true, addons }).out.trim()).toBe('loaded');
    // The same folder does redirect the workspace's copy: the file that is no addon is what fails to load.
    const workspace = runNode(load(ADDON), { preload: true, addons });
    expect(workspace.status).not.toBe(0);
    expect(workspace.err).toContain(join(addons, ABI_DIR, 'better_sqlite3.node'));
  });
});
