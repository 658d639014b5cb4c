import { isSealpostError, privateKeyInfo, readPkcs12 } from '@sealpost/core';
import { CIPHER_BY_OID, DIGEST_BY_OID, LEGACY_PBE_NAMES, type Node, OID, algorithmOf, childrenOf, decodeElement, explicitOf, octetsOf, oidOf, smallIntegerOf } from '@sealpost/core/backend-kit';
import { type CertificateSummary, certificateLines, keyTypeName, summarizeCertificate } from './describe-certificate.js';

/**
 * What `inspect` says about a PKCS#12 file (RFC 7292). Its outline (the integrity check, which parts
 * are encrypted and how, the bags of the parts that are not) needs no passphrase, nor do certificates
 * kept in a part that is not encrypted (`openssl pkcs12 -certpbe NONE`). The rest (usually every
 * certificate, and the key) is read with the passphrase, or with the empty one of an unprotected export.
 */
export interface Pkcs12Description {
  readonly type: 'pkcs12';
  /** The MAC over the contents: checked only when the passphrase is known. */
  readonly integrity: { readonly mac: string; readonly iterations: number } | null;
  readonly parts: readonly Pkcs12Part[];
  /** Every certificate that could be read, the key's own first when the key was read. */
  readonly certificates: readonly CertificateSummary[];
  readonly key?: { readonly type: string; readonly matches: string | null };
  /** True when a passphrase would show more: the file did not open with the empty one and none was given. */
  readonly needsPassphrase: boolean;
  /** Why the identity could not be read with the passphrase given (other than a wrong passphrase, which is an error). */
  readonly problem?: { readonly code: string; readonly message: string };
}

export type Pkcs12Part = { readonly encrypted: false; readonly bags: readonly Pkcs12Bag[] } | { readonly encrypted: true; readonly encryption: string };

export interface Pkcs12Bag {
  readonly kind: 'certificate' | 'key' | 'encrypted key' | 'crl' | 'secret' | 'nested' | 'unknown';
  /** How an encrypted key is protected. */
  readonly encryption?: string;
  readonly friendlyName?: string;
}

/** A PFX: SEQUENCE { version 3, authSafe ContentInfo, macData OPTIONAL }. Cheap enough to try on any DER. */
export function isPkcs12(bytes: Uint8Array): boolean {
  const items = childrenOf(decodeElement(bytes) ?? undefined);
  if (items === null || smallIntegerOf(items[0]) !== 3) return false;
  const contentType = oidOf(childrenOf(items[1])?.[0]);
  return contentType === OID.data || contentType === OID.signedData;
}

/**
 * The description, reading the identity with `passphrase` (the empty one when undefined). A wrong
 * passphrase that was given is the caller's error (ERR_PKCS12_PASSWORD), as for every other command.
 */
export async function describePkcs12(bytes: Uint8Array, passphrase: string | undefined): Promise<Pkcs12Description> {
  const outline = readOutline(bytes);
  try {
    const identity = await readPkcs12(bytes, passphrase ?? '');
    const certificate = summarizeCertificate(identity.certificate);
    return {
      ...outline,
      certificates: [certificate, ...identity.chain.map((der) => summarizeCertificate(der))],
      key: { type: keyTypeName(privateKeyInfo(identity.privateKey)), matches: certificate.addresses[0] ?? certificate.subject },
      needsPassphrase: false,
    };
  } catch (error) {
    if (!isSealpostError(error)) throw error;
    if (error.code === 'ERR_PKCS12_PASSWORD' && passphrase !== undefined) throw error;
    if (error.code === 'ERR_PKCS12_PASSWORD') return { ...outline, needsPassphrase: true };
    return { ...outline, needsPassphrase: false, problem: { code: error.code, message: error.message } };
  }
}

type Outline = Omit<Pkcs12Description, 'needsPassphrase' | 'key' | 'problem'>;

function readOutline(bytes: Uint8Array): Outline {
  const items = childrenOf(decodeElement(bytes) ?? undefined) ?? [];
  const authSafe = childrenOf(items[1]) ?? [];
  const certificates: CertificateSummary[] = [];
  const parts: Pkcs12Part[] = [];
  // Public-key integrity mode (signedData) has no parts to show without the signer's help.
  if (oidOf(authSafe[0]) === OID.data) {
    const safe = decodeElement(octetsOf(explicitOf(authSafe[1], 0) ?? undefined) ?? new Uint8Array(0));
    for (const contentInfo of childrenOf(safe ?? undefined) ?? []) parts.push(readPart(contentInfo, certificates));
  }
  return { type: 'pkcs12', integrity: readMac(items[2]), parts, certificates };
}

function readMac(node: Node | undefined): Pkcs12Description['integrity'] {
  const items = childrenOf(node);
  if (items === null) return null;
  const digest = algorithmOf(childrenOf(items[0])?.[0]);
  const name = digest === null ? 'unknown' : (DIGEST_BY_OID[digest.oid] ?? (digest.oid === OID.pbmac1 ? 'pbmac1' : digest.oid));
  return { mac: `hmac ${name}`, iterations: items[2] === undefined ? 1 : (smallIntegerOf(items[2]) ?? 0) };
}

function readPart(contentInfo: Node, certificates: CertificateSummary[]): Pkcs12Part {
  const [typeNode, content] = childrenOf(contentInfo) ?? [];
  const type = oidOf(typeNode);
  if (type === OID.encryptedData) {
    const encryptedContentInfo = childrenOf(childrenOf(explicitOf(content, 0) ?? undefined)?.[1]);
    return { encrypted: true, encryption: encryptionName(encryptedContentInfo?.[1]) };
  }
  if (type === OID.envelopedData) return { encrypted: true, encryption: 'to a public key (envelopedData)' };
  const safeContents = decodeElement(octetsOf(explicitOf(content, 0) ?? undefined) ?? new Uint8Array(0));
  return { encrypted: false, bags: (childrenOf(safeContents ?? undefined) ?? []).map((bag) => readBag(bag, certificates)) };
}

const BAG_KINDS: Readonly<Record<string, Pkcs12Bag['kind']>> = {
  [OID.keyBag]: 'key',
  [OID.pkcs8ShroudedKeyBag]: 'encrypted key',
  [OID.certBag]: 'certificate',
  '1.2.840.113549.1.12.10.1.4': 'crl',
  '1.2.840.113549.1.12.10.1.5': 'secret',
  [OID.safeContentsBag]: 'nested',
};

/** One SafeBag; an X.509 certificate in it is summarized, since nothing protects it. */
function readBag(bag: Node, certificates: CertificateSummary[]): Pkcs12Bag {
  const [idNode, valueNode, attributes] = childrenOf(bag) ?? [];
  const kind = BAG_KINDS[oidOf(idNode) ?? ''] ?? 'unknown';
  const value = explicitOf(valueNode, 0) ?? undefined;
  const friendlyName = friendlyNameOf(attributes);
  const named = friendlyName === undefined ? {} : { friendlyName };
  if (kind === 'encrypted key') return { kind, encryption: encryptionName(childrenOf(value)?.[0]), ...named };
  if (kind === 'certificate') {
    const [certType, certValue] = childrenOf(value) ?? [];
    const der = oidOf(certType) === OID.x509Certificate ? octetsOf(explicitOf(certValue, 0) ?? undefined) : null;
    if (der !== null) {
      try {
        certificates.push(summarizeCertificate(der));
      } catch {
        // A certificate that does not parse is still listed as a bag; the identity reader will say why.
      }
    }
  }
  return { kind, ...named };
}

function friendlyNameOf(attributes: Node | undefined): string | undefined {
  for (const attribute of childrenOf(attributes) ?? []) {
    const [type, values] = childrenOf(attribute) ?? [];
    if (oidOf(type) !== OID.friendlyName) continue;
    const bmp = childrenOf(values)?.[0]?.contents;
    if (bmp === undefined) return undefined;
    let text = '';
    for (let i = 0; i + 1 < bmp.length; i += 2) text += String.fromCharCode((bmp[i]! << 8) | bmp[i + 1]!);
    return text;
  }
  return undefined;
}

const PRF_NAMES: Readonly<Record<string, string>> = {
  [OID.hmacWithSHA1]: 'hmac-sha-1',
  [OID.hmacWithSHA224]: 'hmac-sha-224',
  [OID.hmacWithSHA256]: 'hmac-sha-256',
  [OID.hmacWithSHA384]: 'hmac-sha-384',
  [OID.hmacWithSHA512]: 'hmac-sha-512',
};

/** "PBES2 (PBKDF2 hmac-sha-256, 2048 iterations, aes-256-cbc)", or a legacy scheme's name and iterations. */
function encryptionName(node: Node | undefined): string {
  const algorithm = algorithmOf(node);
  if (algorithm === null) return 'unreadable';
  const legacy = LEGACY_PBE_NAMES[algorithm.oid];
  if (legacy !== undefined) return `${legacy} (${iterationsText(childrenOf(algorithm.parameters)?.[1])})`;
  if (algorithm.oid !== OID.pbes2) return algorithm.oid;
  const [kdf, scheme] = childrenOf(algorithm.parameters) ?? [];
  const kdfAlgorithm = algorithmOf(kdf);
  const cipher = algorithmOf(scheme);
  const cipherName = cipher === null ? 'unknown cipher' : (CIPHER_BY_OID[cipher.oid] ?? cipher.oid);
  if (kdfAlgorithm?.oid !== OID.pbkdf2) return `PBES2 (${kdfAlgorithm?.oid ?? 'unknown key derivation'}, ${cipherName})`;
  const params = childrenOf(kdfAlgorithm.parameters) ?? [];
  const prfNode = params.slice(2).find((p) => algorithmOf(p) !== null);
  const prf = prfNode === undefined ? 'hmac-sha-1' : (PRF_NAMES[algorithmOf(prfNode)!.oid] ?? algorithmOf(prfNode)!.oid);
  return `PBES2 (PBKDF2 ${prf}, ${iterationsText(params[1])}, ${cipherName})`;
}

function iterationsText(node: Node | undefined): string {
  const n = smallIntegerOf(node);
  return n === null ? 'iterations unreadable' : `${n} iteration${n === 1 ? '' : 's'}`;
}

export function renderPkcs12(d: Pkcs12Description): string {
  const lines = [`PKCS#12 file${d.integrity === null ? ', no integrity check (MAC)' : `, MAC ${d.integrity.mac}, ${d.integrity.iterations} iterations`}`];
  d.parts.forEach((part, i) => {
    if (part.encrypted) {
      lines.push(`  part ${i + 1}: encrypted, ${part.encryption}`);
      return;
    }
    lines.push(`  part ${i + 1}: not encrypted, ${part.bags.length} bag(s)`);
    for (const bag of part.bags) {
      const details = [bag.encryption, bag.friendlyName === undefined ? undefined : `friendlyName "${bag.friendlyName}"`].filter(Boolean).join(', ');
      lines.push(`    ${bag.kind}${details === '' ? '' : `: ${details}`}`);
    }
  });
  if (d.key !== undefined) lines.push(`  private key: ${d.key.type}, of the certificate of ${d.key.matches}`);
  d.certificates.forEach((c, i) => lines.push(`  certificate ${i + 1}:`, ...certificateLines(c, '    ')));
  if (d.needsPassphrase)
    lines.push(
      `  the ${d.certificates.length === 0 ? 'certificates and the key are' : 'key and any other certificate are'} protected by a passphrase: put it in an environment variable and name the variable with --pass-env VAR to see them`,
    );
  if (d.problem !== undefined) lines.push(`  cannot read the identity: ${d.problem.message} [${d.problem.code}]`);
  return `${lines.join('\n')}\n`;
}
