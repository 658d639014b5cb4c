// The interop tests drive real S/MIME peers: OpenSSL's `openssl`, NSS's `cmsutil`/`certutil`/`pk12util`,
// GnuPG's `gpgsm` (with `gpg-agent`) and BouncyCastle (Debian's jars, through `javac` and `java`); the web
// app's browser test drives Debian's Chromium (tooling/browser); the PostgreSQL key store's tests start
// Debian's PostgreSQL server (tooling/fixtures startPostgres). Missing
// ones are installed from Debian when this runs as root with apt-get (a fresh CI or development machine);
// otherwise the command says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  ['openssl', 'openssl'],
  ['cmsutil', 'libnss3-tools'],
  ['certutil', 'libnss3-tools'],
  ['pk12util', 'libnss3-tools'],
  ['gpgsm', 'gpgsm'],
  ['gpg-agent', 'gpg-agent'],
  ['javac', 'default-jdk-headless'],
];
// Libraries rather than commands: the file each Debian package installs.
const FILES = [
  ['/usr/share/java/bcprov.jar', 'libbcprov-java'],
  ['/usr/share/java/bcpkix.jar', 'libbcpkix-java'],
  ['/usr/bin/chromium', 'chromium'],
  // initdb and postgres are not on PATH: Debian keeps them per major version.
  ['/usr/lib/postgresql', 'postgresql'],
];

const onPath = (command) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
const missing = [...new Set([...NEEDED.filter(([command]) => !onPath(command)), ...FILES.filter(([file]) => !existsSync(file))].map(([, pkg]) => pkg))];
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`The interop, browser and PostgreSQL tests need these Debian packages: ${missing.join(' ')}.\nInstall them (apt-get install -y ${missing.join(' ')}) and run the tests again.`);
  process.exit(1);
}
console.log(`Installing the S/MIME peers, the browser and the database server the tests drive: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', '--no-install-recommends', ...missing],
]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`apt-get ${args[0]} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
