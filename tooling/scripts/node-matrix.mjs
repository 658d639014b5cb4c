// Runs the test suite under every Node version Sealpost supports, one after the other, and says per version
// whether it passed; exits 1 if any failed. CI runs it (.ci/run); `node tooling/scripts/node-matrix.mjs 22`
// runs one version.
//
// The Node running this script runs the README's `npm test` (install, build, lint, type checks, the vitest
// suite). Every other version runs the same vitest suite against that same install and build: its official
// binary comes from the npm registry (node-<platform>-<arch>, which carries bin/node and the headers), and
// better-sqlite3, the one addon built against a Node ABI, is compiled for it with node-gyp into
// node_modules/.cache/node-matrix. native-addon-redirect.cjs makes that run load it, so the checkout, its
// lockfile and its node_modules stay as they are (and usable by the installing Node throughout).
// Binaries and addons are kept in the cache, so later runs only pay for the suite.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * node-versions.json: the release of each line that is tested (the newest when it was last raised; the
 * running Node counts for its own line), and the `engines` range every package.json states, which
 * tooling/package-checks holds to the same lines.
 */
const { tested: VERSIONS } = JSON.parse(readFileSync(new URL('./node-versions.json', import.meta.url), 'utf8'));

const ROOT = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));
const CACHE = join(ROOT, 'node_modules', '.cache', 'node-matrix');
const REDIRECT = join(ROOT, 'tooling', 'scripts', 'native-addon-redirect.cjs');
const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** Runs a command with inherited output; the exit code (or 1 for a signal or a spawn failure). */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (r.error !== undefined) console.error(`node-matrix: ${command}: ${r.error.message}`);
  return r.status ?? 1;
}

/** The official Node binary of that version, from the npm registry, unpacked once into the cache. */
function nodeBinary(version) {
  const dir = join(CACHE, `node-${version}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return { bin, prefix: dir };
  const name = `node-${process.platform}-${process.arch}`;
  const scratch = `${dir}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  // npm pack checks the tarball against the registry's integrity hash and runs no package scripts.
  const packed = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', scratch, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = packed.stdout?.trim().split('\n').at(-1);
  if (packed.status !== 0 || !tarball) throw new Error(`npm pack ${name}@${version} failed (exit ${packed.status ?? packed.error?.message})`);
  if (run('tar', ['-xzf', join(scratch, tarball), '-C', scratch, '--strip-components=1']) !== 0) throw new Error(`could not unpack ${tarball}`);
  rmSync(join(scratch, tarball));
  // Whole or not at all: an interrupted download leaves only the .partial folder, removed next time.
  renameSync(scratch, dir);
  return { bin, prefix: dir };
}

/** What `node -p` prints under that binary. */
function evaluate(bin, expression) {
  const r = spawnSync(bin, ['-p', expression], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (r.status !== 0) throw new Error(`${bin} does not run: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/** node-gyp as npm ships it: a JavaScript file, run by the Node it builds for. */
function nodeGyp() {
  const npmCli = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  const gyp = npmCli && join(dirname(dirname(realpathSync(npmCli))), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!gyp || !existsSync(gyp)) throw new Error('node-gyp not found next to npm (it is part of npm)');
  return gyp;
}

/**
 * The workspace's better-sqlite3 compiled for the given Node (headers from its package, --nodedir), in a
 * copy of the package's sources under the cache. Returns the folder to hand to native-addon-redirect.cjs.
 */
function betterSqlite3For(node) {
  const require = createRequire(join(ROOT, 'packages', 'keystore-sqlite', 'package.json'));
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const addons = join(CACHE, `better-sqlite3@${version}`);
  const target = join(addons, `node-v${node.abi}`, 'better_sqlite3.node');
  if (existsSync(target)) return addons;
  const work = join(CACHE, `build-better-sqlite3@${version}-node-v${node.abi}`);
  rmSync(work, { recursive: true, force: true });
  for (const part of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(join(source, part), join(work, part), { recursive: true });
  console.log(`node-matrix: compiling better-sqlite3 ${version} for Node ${node.version} (ABI ${node.abi})`);
  const env = { ...withoutNpmSettings(process.env), PATH: `${dirname(node.bin)}:${process.env.PATH}` };
  // The compiler's output is shown only when the build fails: SQLite's warnings are not ours to act on.
  const gyp = spawnSync(node.bin, [nodeGyp(), 'rebuild', '--release', `--nodedir=${node.prefix}`, '--jobs=max'], { cwd: work, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (gyp.status !== 0) {
    console.error(`${gyp.stdout ?? ''}${gyp.stderr ?? ''}`.split('\n').slice(-40).join('\n'));
    throw new Error(`node-gyp could not build better-sqlite3 for Node ${node.version} (it needs a C++ compiler, make and python3)`);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), `${target}.partial`);
  renameSync(`${target}.partial`, target);
  rmSync(work, { recursive: true, force: true });
  return addons;
}

/** npm passes its settings to scripts as npm_config_*; a build for another Node must not inherit them. */
function withoutNpmSettings(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

/** The README's command, under the Node running this script. */
function runReadmeCommand() {
  return run('npm', ['test']);
}

/** The vitest suite under another Node, on the install and build the running Node made. */
function runSuiteUnder(node) {
  const addons = betterSqlite3For(node);
  const env = {
    ...withoutNpmSettings(process.env),
    // Tests start Node as process.execPath or as `node`/`npm` from PATH: both are this version.
    PATH: `${dirname(node.bin)}:${process.env.PATH}`,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require=${REDIRECT}`].filter(Boolean).join(' '),
    SEALPOST_NATIVE_ADDONS: addons,
  };
  return run(node.bin, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'tooling/vitest.config.ts'], { env });
}

function minutes(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const wanted = process.argv.slice(2).map(Number);
const current = major(process.version);
if (!VERSIONS.some((v) => major(v) === current)) {
  console.error(`node-matrix: run it with Node ${VERSIONS.map(major).join(', ')} (this is ${process.version}): that Node installs and builds the workspace`);
  process.exit(1);
}
const selected = VERSIONS.filter((v) => wanted.length === 0 || wanted.includes(major(v)));
if (selected.length === 0) {
  console.error(`node-matrix: no tested version in ${wanted.join(', ')} (tested: ${VERSIONS.join(', ')})`);
  process.exit(1);
}
const others = selected.filter((v) => major(v) !== current);
const results = [];

// The install, the build and the peers first, under the running Node: every version tests this one build,
// so none runs without it. `npm test` does both again, which costs seconds when nothing changed.
for (const script of ['bootstrap.mjs', 'ensure-peers.mjs']) {
  if (run(process.execPath, [join(ROOT, 'tooling', 'scripts', script)]) !== 0) {
    console.error(`node-matrix: ${script} failed: no version was tested`);
    process.exit(1);
  }
}
if (selected.length > others.length) results.push(timed(`Node ${process.version.slice(1)} (npm test)`, runReadmeCommand));
for (const version of others) {
  results.push(
    timed(`Node ${version} (vitest)`, () => {
      const { bin, prefix } = nodeBinary(version);
      const node = { bin, prefix, version: evaluate(bin, 'process.versions.node'), abi: evaluate(bin, 'process.versions.modules') };
      if (node.version !== version) throw new Error(`the binary of ${version} says it is ${node.version}`);
      return runSuiteUnder(node);
    }),
  );
}

/** Runs one version's step; a thrown error is a failure of that version, and the others still run. */
function timed(label, step) {
  console.log(`\nnode-matrix: ${label}`);
  const started = Date.now();
  let status;
  try {
    status = step();
  } catch (error) {
    console.error(`node-matrix: ${error.message}`);
    status = 1;
  }
  return { label, ok: status === 0, time: minutes(Date.now() - started) };
}

console.log('\nnode-matrix:');
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.label}  ${r.time}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
