// Package lint, run from a package directory: ESLint with the workspace's flat config (tooling/lint),
// which holds the rules this script used to check with regular expressions (runtime-neutral packages
// import no Node module and use no Node-only global; libraries do not log through console). Kept so a
// `lint` script that still names this file runs the same check as `eslint src`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const eslint = fileURLToPath(new URL('../../node_modules/eslint/bin/eslint.js', import.meta.url));
const r = spawnSync(process.execPath, [eslint, 'src'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
