// Bundles the built CLI (dist/) into bundle/: one file per command and per backend, loaded on demand as
// dist's modules are, but without resolving and reading some two hundred files at every start. Node's
// built-in modules stay imports, and so does the SQLite key store (its native module is resolved where it
// is installed). bundle/modules.json lists the source modules in each file, for tests that check what a
// command loads.
import { writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const APP = dirname(fileURLToPath(import.meta.url));
const REPO = join(APP, '..', '..');
const OUT = join(APP, 'bundle');
const BUILTINS = new Set(builtinModules);
const EXTERNAL = new Set(['@sealpost/keystore-sqlite']);
const GROUPS = ['core', 'commander'];

const build = await rolldown({
  input: { main: join(APP, 'dist', 'main.js'), 'send-worker': join(APP, 'dist', 'bulk', 'send-worker.js') },
  platform: 'node',
  external: (id) => id.startsWith('node:') || BUILTINS.has(id.split('/')[0]) || EXTERNAL.has(id),
  resolve: { conditionNames: ['node', 'import', 'default'] },
  logLevel: 'warn',
});
const { output } = await build.write({
  dir: OUT,
  format: 'esm',
  entryFileNames: '[name].js',
  // Flat, so that `new URL('./send-worker.js', import.meta.url)` finds the worker from any chunk.
  chunkFileNames: (chunk) => `${chunkName(chunk)}-[hash].js`,
  // Every command needs most of core: one file for it (and one for commander) instead of a dozen pieces.
  codeSplitting: { groups: [{ name: 'core', test: /[\\/]packages[\\/]core[\\/]dist[\\/]/ }, { name: 'commander', test: /[\\/]node_modules[\\/].*[\\/]commander[\\/]/ }] },
  cleanDir: true,
});
await build.close();

const modules = Object.fromEntries(output.filter((o) => o.type === 'chunk').map((chunk) => [chunk.fileName, chunk.moduleIds.map((id) => relative(REPO, id)).sort()]));
await writeFile(join(OUT, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);

/**
 * A readable name for a chunk: its group (`core`, `commander`), the package and file it starts from
 * (`backend-pkijs.index.node`), or `shared`.
 */
function chunkName({ name, facadeModuleId: facade }) {
  if (GROUPS.includes(name)) return name;
  if (facade === null || facade === undefined) return 'shared';
  const path = relative(REPO, facade).replace(/\\/g, '/');
  const match = /^(?:packages|apps)\/([^/]+)\/dist\/(.+)\.js$/.exec(path);
  return match === null ? 'shared' : `${match[1]}.${match[2].replace(/\//g, '.')}`;
}
