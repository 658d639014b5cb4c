// A consumer project that installs the packed packages as a user's package manager would (each tarball
// unpacked into node_modules, each declared dependency linked to the copy this workspace installed, nothing
// else), then type-checks against them with skipLibCheck off: what compiles here compiles for users.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackedPackage } from './pack.js';
import { entrySpecifiers, WORKSPACE_ROOT, type PackageJson } from './workspace.js';

const TEMPLATES = fileURLToPath(new URL('../consumer/', import.meta.url));
const require = createRequire(import.meta.url);
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
const TYPES_NODE = dirname(require.resolve('@types/node/package.json'));

/** One tsconfig the consumer is checked under. */
export interface ConsumerConfig {
  readonly name: string;
  /** Folder of the consumer project it applies to: `bare` has no @types/node installed, `runtime` has. */
  readonly project: 'bare' | 'runtime';
  readonly compilerOptions: Readonly<Record<string, unknown>>;
  readonly files: readonly string[];
}

const STRICT = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2022'], types: [] } as const;
const NODENEXT = { module: 'nodenext', moduleResolution: 'nodenext' } as const;
const BUNDLER = { module: 'preserve', moduleResolution: 'bundler' } as const;

/**
 * `bare`: every entry point of the packages that run outside Node, with neither the DOM lib nor Node's
 * types, under nodenext and bundler resolution: their declarations must bring what they use. `runtime`:
 * a Node app (nodenext, @types/node, no DOM lib) imports every entry point of every package and passes
 * Node's own AbortSignal, fetch, WebCrypto and environment where Sealpost's declarations take them; a
 * browser app (bundler, the DOM lib, no Node types) does the same with the browser's.
 */
export const CONSUMER_CONFIGS: readonly ConsumerConfig[] = [
  { name: 'nodenext, no DOM, no @types/node', project: 'bare', compilerOptions: { ...STRICT, ...NODENEXT }, files: ['entries.ts'] },
  { name: 'bundler, no DOM, no @types/node', project: 'bare', compilerOptions: { ...STRICT, ...BUNDLER }, files: ['entries.ts'] },
  { name: 'nodenext, @types/node, no DOM (a Node app)', project: 'runtime', compilerOptions: { ...STRICT, ...NODENEXT, types: ['node'] }, files: ['entries.ts', 'node-app.ts'] },
  { name: 'bundler, DOM lib, no @types/node (a browser app)', project: 'runtime', compilerOptions: { ...STRICT, ...BUNDLER, lib: ['es2022', 'dom'] }, files: ['browser-app.ts'] },
];

function run(file: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Unpacks each tarball into `root/node_modules` and links its declared dependencies; returns `root`. */
export function installConsumer(root: string, packed: readonly PackedPackage[]): string {
  const modules = join(root, 'node_modules');
  for (const pkg of packed) {
    const target = join(modules, pkg.manifest.name);
    mkdirSync(target, { recursive: true });
    const r = run('tar', ['-xzf', pkg.tarball, '-C', target, '--strip-components=1'], root);
    if (r.status !== 0) throw new Error(`unpacking ${pkg.tarball} failed: ${r.output}`);
  }
  const names = new Set(packed.map((pkg) => pkg.manifest.name));
  for (const pkg of packed) {
    const installed = JSON.parse(readFileSync(join(modules, pkg.manifest.name, 'package.json'), 'utf8')) as PackageJson;
    for (const dependency of Object.keys({ ...installed.dependencies, ...installed.peerDependencies })) {
      if (names.has(dependency)) continue; // a packed sibling, found in node_modules as a user's install has it
      if (dependency.startsWith('@sealpost/')) throw new Error(`${pkg.manifest.name} depends on ${dependency}, which is not published`);
      const source = join(WORKSPACE_ROOT, pkg.directory, 'node_modules', dependency);
      if (!existsSync(source)) throw new Error(`${pkg.manifest.name}: dependency ${dependency} is not installed in ${pkg.directory}`);
      const link = join(modules, pkg.manifest.name, 'node_modules', dependency);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(source), link, 'dir');
    }
  }
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);

  // Every public entry point, generated from the exports maps so a new package or subpath is covered.
  const entries = (packages: readonly PackedPackage[]): string =>
    `${packages
      .flatMap((pkg) => entrySpecifiers(pkg.manifest))
      .map((specifier, i) => `export * as entry${i} from '${specifier}';`)
      .join('\n')}\n`;
  const bare = join(root, 'bare');
  mkdirSync(bare, { recursive: true });
  writeFileSync(join(bare, 'entries.ts'), entries(packed.filter((pkg) => pkg.neutral)));

  // runtime: has @types/node installed, and the hand-written apps.
  const runtime = join(root, 'runtime');
  mkdirSync(join(runtime, 'node_modules/@types'), { recursive: true });
  symlinkSync(realpathSync(TYPES_NODE), join(runtime, 'node_modules/@types/node'), 'dir');
  writeFileSync(join(runtime, 'entries.ts'), entries(packed));
  for (const file of ['node-app.ts', 'browser-app.ts']) copyFileSync(join(TEMPLATES, file), join(runtime, file));
  return root;
}

/** Type-checks the consumer under one configuration; the compiler's output, empty when it passes. */
export function checkConsumer(root: string, config: ConsumerConfig): { ok: boolean; output: string } {
  const project = join(root, config.project);
  const tsconfig = `tsconfig.${config.name.replace(/[^a-z0-9]+/gi, '-')}.json`;
  writeFileSync(join(project, tsconfig), `${JSON.stringify({ compilerOptions: config.compilerOptions, files: config.files }, null, 2)}\n`);
  const r = run(process.execPath, [TSC, '-p', tsconfig, '--pretty', 'false'], project);
  return { ok: r.status === 0, output: r.output.trim() };
}
