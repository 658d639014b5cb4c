import { buildChain, decodeBody, inspectCms, normalizeAddress, parseMime, smimeKind, toHex } from '@sealpost/core';
import type { ContentCipher, CryptoBackend, PutCertificate, SignerReport, VerifyReport } from '@sealpost/core';

const CONTENT_CIPHERS: ReadonlySet<string> = new Set<ContentCipher>([
  'aes-128-cbc',
  'aes-192-cbc',
  'aes-256-cbc',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'des-ede3-cbc',
  'rc2-cbc',
  'chacha20-poly1305',
]);

export interface SignerEntryContext {
  readonly backend: CryptoBackend;
  readonly trustAnchors: readonly Uint8Array[];
  readonly now: Date;
  readonly source: string;
}

/** The signer that makes a report `valid`: trusted, its signature good, its certificate issued to From. */
export function validSigner(report: VerifyReport): SignerReport | undefined {
  if (report.status !== 'valid') return undefined;
  return report.signers.find((s) => s.signatureValid && s.trusted && s.matchesFrom && s.certificate !== null);
}

/**
 * Certificates the message's SignedData carries (plus any core reported), where the signer's own is.
 * The report names the signer's certificate by fingerprint only, so its bytes are read here.
 */
function carriedCertificates(message: Uint8Array, report: VerifyReport): Uint8Array[] {
  const root = parseMime(message);
  const signature = smimeKind(root) === 'multipart-signed' ? root.children[1] : root;
  const out = [...(report.signerCertificates ?? [])];
  if (signature === undefined) return out;
  const summary = inspectCms(decodeBody(signature));
  if (summary.type === 'signed-data') out.push(...summary.certificates);
  return out;
}

async function findByFingerprint(candidates: readonly Uint8Array[], sha256: string, backend: CryptoBackend): Promise<Uint8Array | undefined> {
  for (const der of candidates) {
    if (toHex(await backend.digest({ algorithm: 'sha-256', data: der })) === sha256.toLowerCase()) return der;
  }
  return undefined;
}

/**
 * What to put in the key store for a `valid` report, or null if the signer's certificate cannot be
 * found again or no longer chains to an anchor (nothing is stored on any doubt).
 */
export async function signerEntry(message: Uint8Array, report: VerifyReport, signer: SignerReport, ctx: SignerEntryContext): Promise<PutCertificate | null> {
  const address = report.from === null ? null : normalizeAddress(report.from);
  if (address === null || signer.certificate === null) return null;
  const candidates = carriedCertificates(message, report);
  const leaf = await findByFingerprint(candidates, signer.certificate.sha256, ctx.backend);
  if (leaf === undefined) return null;
  const chain = await buildChain(leaf, {
    intermediates: candidates,
    anchors: ctx.trustAnchors,
    now: ctx.now,
    backend: ctx.backend,
    purpose: 'smime-sign',
  });
  if (!chain.trusted) return null;
  return {
    address,
    certificate: leaf,
    // Leaf first and anchor last: what lies between is what a sender needs to send along.
    chain: chain.chain.slice(1, -1),
    smimeCapabilities: (signer.smimeCapabilities ?? []).filter((c): c is ContentCipher => CONTENT_CIPHERS.has(c)),
    seenAt: ctx.now,
    source: ctx.source,
  };
}
