// Runs the pinned pnpm with the given arguments, through npx when it is not installed.
import { spawnSync } from 'node:child_process';

const PNPM_VERSION = '12.4.2';
const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const usePath = !probe.error && probe.status === 0 && probe.stdout.trim() === PNPM_VERSION;
const [cmd, args] = usePath ? ['pnpm', process.argv.slice(2)] : ['npx', ['-y', `pnpm@${PNPM_VERSION}`, ...process.argv.slice(2)]];
const r = spawnSync(cmd, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
