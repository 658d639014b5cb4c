// Packs workspace packages as `pnpm pack` does for publishing (workspace: ranges replaced, `files` applied),
// so the checks look at what users download.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT, type PublishedPackage } from './workspace.js';

const PNPM = join(WORKSPACE_ROOT, 'tooling/scripts/pnpm.mjs');

export interface PackedPackage extends PublishedPackage {
  readonly tarball: string;
}

export function packAll(packages: readonly PublishedPackage[], destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true });
  return packages.map((pkg) => {
    const before = new Set(readdirSync(destination));
    const r = spawnSync(process.execPath, [PNPM, 'pack', '--pack-destination', destination], {
      cwd: join(WORKSPACE_ROOT, pkg.directory),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`pnpm pack in ${pkg.directory} failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
    const added = readdirSync(destination).filter((name) => !before.has(name) && name.endsWith('.tgz'));
    if (added.length !== 1) throw new Error(`pnpm pack in ${pkg.directory} wrote ${added.length} tarballs`);
    return { ...pkg, tarball: join(destination, added[0]!) };
  });
}
