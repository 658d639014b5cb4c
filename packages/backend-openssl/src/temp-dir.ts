import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerCleanup } from './cleanup.js';
import { createKeyPipe, type KeyPipe } from './key-pipe.js';

/** A private folder for one operation's input files. */
export interface PrivateDir {
  readonly path: string;
  /** Writes a new file readable by the owner only (0600) and returns its path. */
  write(name: string, bytes: Uint8Array | string): Promise<string>;
  /** Makes a named pipe (0600) that hands `secret` to its first reader, never storing it; returns its path. */
  pipe(name: string, secret: Uint8Array): Promise<string>;
}

export const TEMP_PREFIX = 'sealpost-openssl-';

/**
 * Runs `work` with a fresh folder under `base` (mkdtemp(3) makes it 0700) and removes the folder
 * afterwards, whatever happens. Callers only return once their openssl process has exited, so
 * nothing writes into the folder after it is removed. A signal or process.exit() before then
 * removes it too (cleanup.ts), since `finally` does not run in a process that is going away.
 */
export async function withPrivateDir<T>(base: string, work: (dir: PrivateDir) => Promise<T>): Promise<T> {
  const path = await mkdtemp(join(base, TEMP_PREFIX));
  const forget = registerCleanup(() => rmSync(path, { recursive: true, force: true }));
  const pipes: KeyPipe[] = [];
  try {
    return await work({
      path,
      async write(name, bytes) {
        const file = join(path, checkedName(name));
        await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
        return file;
      },
      async pipe(name, secret) {
        const pipe = await createKeyPipe(join(path, checkedName(name)), secret);
        pipes.push(pipe);
        return pipe.path;
      },
    });
  } finally {
    for (const pipe of pipes) pipe.close();
    await rm(path, { recursive: true, force: true });
    forget();
  }
}

function checkedName(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new RangeError(`bad temporary file name ${name}`);
  return name;
}
