import { createHash } from 'node:crypto';
import type { CryptoBackend, Identity, SignRequest } from '@sealpost/core';

/**
 * Signatures a bulk run has made, by what was signed: a mailing whose rows differ only in their
 * header fields (To, Subject: outside the signature) signs one entity for every row. `get` answers
 * from a signature made (or being made) for the same key, or makes it with `sign`; a failed signature
 * is not kept. In a worker thread the memo asks the main thread's, so the whole run signs each
 * content once.
 */
export interface SignatureMemo {
  get(key: string, sign: () => Promise<Uint8Array>): Promise<Uint8Array>;
}

/** Distinct contents whose signature is kept: enough for a mailing with a few variants of its body. */
const SIGNATURES_KEPT = 64;

export function createSignatureMemo(limit = SIGNATURES_KEPT): SignatureMemo {
  const made = new Map<string, Promise<Uint8Array>>();
  return {
    get(key, sign) {
      const known = made.get(key);
      if (known !== undefined) {
        made.delete(key); // most recently used last
        made.set(key, known);
        return known;
      }
      const signing = sign();
      made.set(key, signing);
      signing.catch(() => {
        if (made.get(key) === signing) made.delete(key);
      });
      while (made.size > limit) made.delete(made.keys().next().value!);
      return signing;
    },
  };
}

/**
 * `backend`, with each signature by `identity` taken from `memo` when the same request was signed
 * before. Copies of one content share its signature and the signing time it was made at.
 */
export function signingOnce(backend: CryptoBackend, identity: Identity | undefined, memo: SignatureMemo): CryptoBackend {
  return {
    name: backend.name,
    capabilities: backend.capabilities,
    sign(request) {
      const key = identity === undefined ? undefined : signatureKey(request, identity);
      if (key === undefined) return backend.sign(request);
      // Each caller gets its own copy: a change to one copy must not reach the next message.
      return memo.get(key, () => backend.sign(request)).then((cms) => cms.slice());
    },
    encrypt: (request) => backend.encrypt(request),
    verify: (request) => backend.verify(request),
    decrypt: (request) => backend.decrypt(request),
    verifyCertificateSignature: (request) => backend.verifyCertificateSignature(request),
    digest: (request) => backend.digest(request),
  };
}

/**
 * A SHA-256 over everything that goes into the SignedData but the signing time: the content, the
 * signer's certificate, the extra certificates and the options. Only for a request by the identity.
 */
function signatureKey(request: SignRequest, identity: Identity): string | undefined {
  const signer = request.signers[0];
  if (request.signers.length !== 1 || signer === undefined || signer.privateKey !== identity.privateKey) return undefined;
  const hash = createHash('sha256');
  const field = (bytes: Uint8Array): void => {
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  field(request.content);
  field(signer.certificate);
  for (const certificate of request.certificates ?? []) field(certificate);
  hash.update(JSON.stringify([request.detached, signer.digest, signer.scheme ?? null, signer.smimeCapabilities ?? null, request.certificates?.length ?? 0, signer.signingTime === undefined]));
  return hash.digest('hex');
}
