import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Modes of what the store writes: its files and folders say who wrote to the owner, so only the owner
 * may read them. Set with chmod after creating, since the mode given to open and mkdir is narrowed by
 * the umask (and a umask such as 0277 would leave a folder the owner cannot write into).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes `path` so that readers see the old content or the new one, never a partial file: the bytes go
 * to a temporary file in `tempDir` (same file system), are flushed, and the file is renamed into place.
 * The file is 0600, and every folder created on the way 0700, whatever the umask.
 */
export async function writeFileAtomic(tempDir: string, path: string, content: string): Promise<void> {
  await makePrivateDir(tempDir);
  await makePrivateDir(dirname(path));
  const temp = join(tempDir, `${randomBytes(8).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await file.chmod(PRIVATE_FILE_MODE);
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

/**
 * Creates `path` and any missing parent as 0700, one level at a time (a parent must be writable before
 * its child can be made, whatever the umask). Folders that already exist keep their mode: the store's
 * folder may have been made, and shared, on purpose.
 */
export async function makePrivateDir(path: string): Promise<void> {
  if (!(await madeDir(path))) return;
  await chmod(path, PRIVATE_DIR_MODE);
}

/** True when this call created the folder; false when it was there already. */
async function madeDir(path: string): Promise<boolean> {
  const first = await tryMkdir(path);
  if (first !== 'no-parent') return first === 'made';
  if (dirname(path) === path) throw new Error(`cannot create ${path}`);
  await makePrivateDir(dirname(path));
  const second = await tryMkdir(path);
  if (second === 'no-parent') throw new Error(`cannot create ${path}: its parent went away`);
  return second === 'made';
}

async function tryMkdir(path: string): Promise<'made' | 'exists' | 'no-parent'> {
  try {
    await mkdir(path, { mode: PRIVATE_DIR_MODE });
    return 'made';
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EEXIST') return 'exists';
    if (code === 'ENOENT') return 'no-parent';
    throw error;
  }
}
