// The machine a run measured: numbers mean little without it.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

const packages = new URL('../../../packages/', import.meta.url);

export function describeMachine({ opensslBinaryVersion }) {
  const cpu = cpus()[0];
  return {
    cpu: cpu?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    os: `${osName()} (${type()} ${release()})`,
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    opensslBinary: opensslBinaryVersion ?? 'not probed (openssl backend not run)',
    libraries: {
      pkijs: versionOf('backend-pkijs', 'pkijs'),
      'node-forge': versionOf('backend-forge', 'node-forge'),
      '@noble/curves': versionOf('backend-forge', '@noble/curves'),
      '@noble/post-quantum': versionOf('core', '@noble/post-quantum'),
    },
    loadAverage: loadavg()[0],
  };
}

function osName() {
  try {
    const line = readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('PRETTY_NAME='));
    return line === undefined ? type() : line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '');
  } catch {
    return type();
  }
}

/** The version of a dependency as the backend package has it installed (pnpm links it beside the package). */
function versionOf(backendDir, dependency) {
  try {
    const manifest = new URL(`${backendDir}/node_modules/${dependency}/package.json`, packages);
    return JSON.parse(readFileSync(manifest, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
