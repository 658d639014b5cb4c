// The packages users install: every workspace package under packages/ and apps/ whose package.json is not private.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly files?: readonly string[];
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly scripts?: Record<string, string>;
  readonly sealpost?: { readonly runtime?: 'neutral' | 'node' };
}

export interface PublishedPackage {
  /** Folder relative to the workspace root, as `repository.directory` names it. */
  readonly directory: string;
  readonly manifest: PackageJson;
  /** Runs outside Node too ("sealpost": { "runtime": "neutral" }): its types must not need Node's. */
  readonly neutral: boolean;
}

export function readManifest(directory: string): PackageJson {
  return JSON.parse(readFileSync(join(WORKSPACE_ROOT, directory, 'package.json'), 'utf8')) as PackageJson;
}

export function publishedPackages(): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(WORKSPACE_ROOT, group)).sort()) {
      const directory = `${group}/${name}`;
      if (!existsSync(join(WORKSPACE_ROOT, directory, 'package.json'))) continue;
      const manifest = readManifest(directory);
      if (manifest.private === true) continue;
      found.push({ directory, manifest, neutral: manifest.sealpost?.runtime === 'neutral' });
    }
  }
  return found;
}

/** The import specifiers of a package's public entry points, from its `exports` map ("." and each subpath). */
export function entrySpecifiers(manifest: PackageJson): string[] {
  const subpaths = Object.keys(manifest.exports ?? {}).filter((key) => key.startsWith('.') && !key.includes('*') && key !== './package.json');
  return subpaths.map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}
