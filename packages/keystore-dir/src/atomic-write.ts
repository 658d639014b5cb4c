import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `path` so that readers see the old content or the new one, never a partial file: the bytes go
 * to a temporary file in `tempDir` (same file system), are flushed, and the file is renamed into place.
 */
export async function writeFileAtomic(tempDir: string, path: string, content: string): Promise<void> {
  await mkdir(tempDir, { recursive: true });
  await mkdir(dirname(path), { recursive: true });
  const temp = join(tempDir, `${randomBytes(8).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
