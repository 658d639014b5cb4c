// Installs the workspace with the pinned pnpm and builds it, so that `npm run demo` and
// `npm test` work on a machine that has only Node and npm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pnpm = fileURLToPath(new URL('./pnpm.mjs', import.meta.url));

// better-sqlite3 compiles with node-gyp when its prebuilt binary cannot be downloaded, and node-gyp would
// then download Node's headers too. pnpm hands no .npmrc `nodedir` to build scripts, so the environment
// points node-gyp at the headers of the running Node (distribution packages and the official installers
// keep them in PREFIX/include/node).
function installEnvironment() {
  const prefix = dirname(dirname(process.execPath));
  if (process.env.npm_config_nodedir || !existsSync(join(prefix, 'include', 'node', 'node.h'))) return process.env;
  return { ...process.env, npm_config_nodedir: prefix };
}

// Every step gets it: pnpm may install again before running a script when it finds dependencies out of date.
const env = installEnvironment();
const steps = [
  ['install', '--frozen-lockfile', '--reporter=append-only'],
  ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'],
];
for (const args of steps) {
  const r = spawnSync(process.execPath, [pnpm, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`bootstrap: "pnpm ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
