import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A private (0700) folder NAME inside PARENT. */
export async function privateDir(parent: string, name: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Writes BYTES to DIR/NAME readable by the owner only, and returns the path. */
export async function writePrivate(dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes, { mode: 0o600 });
  return path;
}
