import { readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SealpostError, type StoredCertificate, isSealpostError, normalizeStoreAddress, parseCertificate, pemEncode, readCertificates } from '@sealpost/core';
import { certificateFingerprint, newestFirst } from '@sealpost/keystore-memory';
import { writeFileAtomic } from './atomic-write.js';
import { ADDRESS_FILE, METADATA_DIR, TEMP_DIR, addressOfFileName, certificateFileName, fileStem, hashedStemOfFileName, isHashedStem } from './file-names.js';
import { type CertificateMetadata, indexFileText, parseIndexFile } from './metadata.js';

/** What a certificate found as a bare `.crt` file, without Sealpost metadata, was stored by. */
export const FOLDER_SOURCE = 'directory';
const INDEX_FILE = 'index.json';

/**
 * The files of one folder-backed key store:
 *
 *     <dir>/<stem>.crt                           the current certificate (PEM), as SparkPost's tools keep it
 *     <dir>/.sealpost/<stem>/index.json           capabilities, first/last seen, source of each certificate
 *     <dir>/.sealpost/<stem>/<fingerprint>.pem    every certificate of the address, its chain after it
 *     <dir>/.sealpost/<stem>/address              hashed stems only: the address the files belong to
 *     <dir>/.sealpost/.tmp/                       files being written, renamed into place when complete
 *
 * The stem is the address itself, or `sha256-<hex>` for an address that cannot be a plain file name
 * (see `fileStem`). The `.crt` file decides which certificate is current: a folder that has only
 * `.crt` files is a valid store, and a `.crt` replaced by another tool wins over the metadata.
 */
export class AddressFiles {
  constructor(private readonly dir: string) {}

  private metadataDir(address: string): string {
    return join(this.dir, METADATA_DIR, fileStem(address));
  }

  private tempDir(): string {
    return join(this.dir, METADATA_DIR, TEMP_DIR);
  }

  /** Every address that has a `.crt` file, each once, in no particular order. */
  async addresses(): Promise<string[]> {
    const found = new Set<string>();
    for (const name of await this.folderNames()) {
      const address = addressOfFileName(name) ?? (await this.addressOfHashedName(name));
      if (address !== null) found.add(address);
    }
    return [...found];
  }

  /**
   * The address of a `sha256-<hex>.crt` file, from its metadata folder. Null when there is none (a
   * file this store did not write); ERR_KEYSTORE when it names an address of another hash.
   */
  private async addressOfHashedName(name: string): Promise<string | null> {
    const stem = hashedStemOfFileName(name);
    if (stem === null) return null;
    const path = join(this.dir, METADATA_DIR, stem, ADDRESS_FILE);
    const text = await readTextOrNull(path);
    if (text === null) return null;
    let address: string;
    try {
      address = normalizeStoreAddress(text.endsWith('\n') ? text.slice(0, -1) : text);
    } catch (cause) {
      throw unreadableMetadata(path, cause);
    }
    if (fileStem(address) !== stem) throw unreadableMetadata(path);
    return address;
  }

  /** The history of `address`: current first, then newest first; empty when it has no `.crt` file. */
  async load(address: string): Promise<StoredCertificate[]> {
    const currentPath = await this.currentFilePath(address);
    if (currentPath === null) return [];
    const current = await this.readCurrentFile(address, currentPath);
    const known = await this.readHistory(address);
    const described = known.find((stored) => stored.fingerprint === current.fingerprint);
    const others = known.filter((stored) => stored.fingerprint !== current.fingerprint).sort(newestFirst);
    return [described ?? current, ...others];
  }

  /** Makes the files say `history` (current first); an empty history removes the address. */
  async save(address: string, history: readonly StoredCertificate[]): Promise<void> {
    const [current] = history;
    if (current === undefined) {
      await this.removeCertificateFiles(address, null);
      await rm(this.metadataDir(address), { recursive: true, force: true });
      return;
    }
    const metadataDir = this.metadataDir(address);
    for (const stored of history) await this.writeIfChanged(join(metadataDir, `${stored.fingerprint}.pem`), certificatesPem(stored));
    // Before the .crt, so that a hashed .crt always has its address beside it.
    if (isHashedStem(fileStem(address))) await this.writeIfChanged(join(metadataDir, ADDRESS_FILE), `${address}\n`);
    // The .crt before the index: should the process stop in between, the new current certificate is
    // still current, only described as a bare .crt file until it is seen again.
    await this.writeIfChanged(join(this.dir, certificateFileName(address)), pemEncode(current.certificate, 'CERTIFICATE'));
    await this.removeCertificateFiles(address, certificateFileName(address));
    await writeFileAtomic(this.tempDir(), join(metadataDir, INDEX_FILE), indexFileText(history.map(metadataOf)));
    await this.removeUnlisted(metadataDir, new Set(history.map((stored) => `${stored.fingerprint}.pem`)));
  }

  /** Leaves a file that already says `content` untouched (and its modification time with it). */
  private async writeIfChanged(path: string, content: string): Promise<void> {
    if ((await readTextOrNull(path)) !== content) await writeFileAtomic(this.tempDir(), path, content);
  }

  private async folderNames(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** `<address>.crt`, or a file older tools named with the domain in another case. */
  private async currentFilePath(address: string): Promise<string | null> {
    const canonical = join(this.dir, certificateFileName(address));
    if (await isFile(canonical)) return canonical;
    const variant = (await this.folderNames()).find((name) => addressOfFileName(name) === address);
    return variant === undefined ? null : join(this.dir, variant);
  }

  /**
   * Removes every `.crt` file of the address except `keep`. On a case-insensitive file system the
   * differently cased name may be `keep` itself: that one is renamed to `keep`'s spelling instead.
   */
  private async removeCertificateFiles(address: string, keep: string | null): Promise<void> {
    const kept = keep === null ? null : await identityOf(join(this.dir, keep));
    const canonical = certificateFileName(address);
    for (const name of await this.folderNames()) {
      if (name === keep || (name !== canonical && addressOfFileName(name) !== address)) continue;
      const path = join(this.dir, name);
      if (kept !== null && (await identityOf(path)) === kept) await rename(path, join(this.dir, keep!));
      else await rm(path, { force: true });
    }
  }

  private async removeUnlisted(metadataDir: string, wanted: ReadonlySet<string>): Promise<void> {
    for (const name of await readdir(metadataDir)) {
      if (name.endsWith('.pem') && !wanted.has(name)) await rm(join(metadataDir, name), { force: true });
    }
  }

  /**
   * The `.crt` file as a stored certificate. The first certificate in it is the address's; any after it
   * are its chain. Without metadata, the file's modification time stands for first and last seen.
   */
  private async readCurrentFile(address: string, path: string): Promise<StoredCertificate> {
    const [certificate, ...chain] = await readStoredCertificates(path);
    const modified = (await stat(path)).mtime;
    return storedOf(address, certificate!, chain, await certificateFingerprint(certificate!), {
      smimeCapabilities: [],
      firstSeen: modified,
      lastSeen: modified,
      source: FOLDER_SOURCE,
    });
  }

  /** The certificates the metadata describes and whose PEM file is there. */
  private async readHistory(address: string): Promise<StoredCertificate[]> {
    const indexPath = join(this.metadataDir(address), INDEX_FILE);
    const text = await readTextOrNull(indexPath);
    if (text === null) return [];
    const history: StoredCertificate[] = [];
    for (const record of parseIndexFile(text, indexPath)) {
      const pemPath = join(this.metadataDir(address), `${record.fingerprint}.pem`);
      if (!(await isFile(pemPath))) continue;
      const [certificate, ...chain] = await readStoredCertificates(pemPath);
      if ((await certificateFingerprint(certificate!)) !== record.fingerprint) throw unreadable(pemPath);
      history.push(storedOf(address, certificate!, chain, record.fingerprint, record));
    }
    return history;
  }
}

function storedOf(address: string, certificate: Uint8Array, chain: Uint8Array[], fingerprint: string, meta: Omit<CertificateMetadata, 'fingerprint'>): StoredCertificate {
  const info = parseCertificate(certificate);
  return { address, certificate, chain, fingerprint, notBefore: info.notBefore, notAfter: info.notAfter, ...meta };
}

function metadataOf(stored: StoredCertificate): CertificateMetadata {
  const { fingerprint, smimeCapabilities, firstSeen, lastSeen, source } = stored;
  return { fingerprint, smimeCapabilities, firstSeen, lastSeen, source };
}

function certificatesPem(stored: StoredCertificate): string {
  return [stored.certificate, ...stored.chain].map((der) => pemEncode(der, 'CERTIFICATE')).join('');
}

async function readStoredCertificates(path: string): Promise<Uint8Array[]> {
  const bytes = await readFile(path);
  try {
    return readCertificates(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    if (isSealpostError(cause)) throw unreadable(path, cause);
    throw cause;
  }
}

function unreadable(path: string, cause?: unknown): SealpostError {
  return new SealpostError('ERR_KEYSTORE', 'key store file does not hold a readable certificate', { cause, detail: { path } });
}

function unreadableMetadata(path: string, cause?: unknown): SealpostError {
  return new SealpostError('ERR_KEYSTORE', 'key store metadata file is unreadable', { cause, detail: { path } });
}

async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Device and inode: the same value for two names of one file. */
async function identityOf(path: string): Promise<string | null> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
