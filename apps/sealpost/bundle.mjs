// Bundles the built CLI (dist/) into bundle/: one file per command and per backend, loaded on demand as
// dist's modules are, but without resolving and reading some two hundred files at every start. Node's
// built-in modules stay imports, and so does better-sqlite3 (a native module, resolved where npm or pnpm
// installed and built it; an optional dependency of the published package, as pg and pg-boss are). bundle/modules.json lists the
// source modules in each file, for tests that check what a command loads. Since the published package
// carries other people's code, bundle/THIRD-PARTY-NOTICES.md gives each bundled package's licence (pnpm
// pack adds Sealpost's own LICENSE from the repository root).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const APP = dirname(fileURLToPath(import.meta.url));
const REPO = join(APP, '..', '..');
const OUT = join(APP, 'bundle');
const BUILTINS = new Set(builtinModules);
// pg and pg-boss (the campaign queue) too: pg's CommonJS classes do not survive bundling; only `worker`,
// `campaign` and `send --queue` load them.
const EXTERNAL = new Set(['better-sqlite3', 'pg', 'pg-boss']);
const GROUPS = ['core', 'commander', 'curves', 'post-quantum'];

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
  // Every command needs most of core: one file for it (with @noble/hashes, which it uses throughout) and
  // one for commander, instead of a dozen pieces. @noble/curves (Ed25519, X25519, and the ECDSA core checks
  // over SHA-224) and @noble/post-quantum (ML-KEM, ML-DSA), which core loads only when such a key or
  // signature comes along, get a file each, so a command that needs neither does not evaluate them:
  // post-quantum computes its tables as it loads. The first matching group takes a module.
  codeSplitting: {
    groups: [
      { name: 'core', test: /[\\/](?:packages[\\/]core[\\/]dist|node_modules[\\/].*[\\/]@noble[\\/]hashes)[\\/]/ },
      { name: 'curves', test: /[\\/]node_modules[\\/].*[\\/]@noble[\\/]curves[\\/]/ },
      { name: 'post-quantum', test: /[\\/]node_modules[\\/].*[\\/]@noble[\\/]post-quantum[\\/]/ },
      { name: 'commander', test: /[\\/]node_modules[\\/].*[\\/]commander[\\/]/ },
    ],
  },
  cleanDir: true,
});
await build.close();

const modules = Object.fromEntries(output.filter((o) => o.type === 'chunk').map((chunk) => [chunk.fileName, chunk.moduleIds.map((id) => relative(REPO, id)).sort()]));
await writeFile(join(OUT, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
await writeFile(join(OUT, 'THIRD-PARTY-NOTICES.md'), await thirdPartyNotices(Object.values(modules).flat()));

/**
 * The licence of every package from outside the repository whose code is in the bundle, with the text
 * of its licence file: MIT and BSD ask for the notice to travel with the code.
 */
async function thirdPartyNotices(sources) {
  const roots = [...new Set(sources.map(packageRoot).filter((root) => root !== null))].sort();
  const sections = [];
  for (const root of roots) {
    const pkg = JSON.parse(await readFile(join(REPO, root, 'package.json'), 'utf8'));
    const licenceFile = (await readdir(join(REPO, root))).find((name) => /^(licen[cs]e|copying)/i.test(name));
    if (licenceFile === undefined) throw new Error(`bundle.mjs: ${pkg.name}@${pkg.version} has no licence file to copy into the notices`);
    const text = (await readFile(join(REPO, root, licenceFile), 'utf8')).trim();
    sections.push(`## ${pkg.name}@${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\`\n`);
  }
  return `# Third-party notices\n\nbundle/ holds the code of these packages, besides Sealpost's own (Apache-2.0, LICENSE).\n\n${sections.join('\n')}`;
}

/** `node_modules/.pnpm/x@1/node_modules/@scope/name` for a module inside an installed package, else null. */
function packageRoot(source) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/@.][^/]*)\//.exec(source.replace(/\\/g, '/'));
  return match === null ? null : match[1];
}

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
