// Installs the workspace with the pinned pnpm and builds it, so that `npm run demo` and
// `npm test` work on a machine that has only Node and npm.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pnpm = fileURLToPath(new URL('./pnpm.mjs', import.meta.url));
const steps = [
  ['install', '--frozen-lockfile', '--reporter=append-only'],
  ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'],
];
for (const args of steps) {
  const r = spawnSync(process.execPath, [pnpm, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bootstrap: "pnpm ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
