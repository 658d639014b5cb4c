/**
 * A WebCrypto implementation: the runtime's `Crypto` where the consumer's types have one (the DOM lib,
 * @types/node, a worker runtime's types), and otherwise the two members this backend uses, so these
 * declarations compile without the DOM lib or Node's types. Inside this package it is exactly `Crypto`.
 */
export type WebCryptoLike = typeof globalThis extends { crypto: infer T } ? T : WebCryptoShape;

/** What this backend uses of a WebCrypto implementation, for a type environment that has no `Crypto`. */
export interface WebCryptoShape {
  readonly subtle: object;
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

/** Options of `createPkijsBackend`. */
export interface PkijsBackendOptions {
  /** The WebCrypto implementation to use. Default: `globalThis.crypto`. */
  readonly crypto?: WebCryptoLike;
  /**
   * The raw RSA private-key operation (c^d mod n, no padding) used for PKCS#1 v1.5 key transport,
   * which WebCrypto does not offer. Receives the PKCS#8 key and a ciphertext block, returns the
   * block it decrypts to. On Node, build it on `crypto.privateDecrypt` with `RSA_NO_PADDING`
   * (OpenSSL blinds it and runs in constant time). Default: a pure-JavaScript BigInt operation with
   * CRT and blinding. The padding is always checked by this backend, never by the hook.
   */
  readonly rsaDecryptRaw?: (pkcs8: Uint8Array, ciphertext: Uint8Array) => Promise<Uint8Array>;
  /**
   * The raw RSA public-key operation (m^e mod n, no padding) for PKCS#1 v1.5 key transport when
   * encrypting: receives the recipient's SubjectPublicKeyInfo (DER, rsaEncryption) and the padded block
   * this backend made. No secret is involved. Default: BigInt arithmetic; the Node entry passes Node's.
   */
  readonly rsaEncryptRaw?: (spki: Uint8Array, block: Uint8Array) => Promise<Uint8Array>;
  /**
   * A SHA-1/SHA-2 implementation to use instead of WebCrypto's `digest` (named as WebCrypto names them).
   * The Node entry passes node:crypto's, which saves an asynchronous WebCrypto job per operation.
   */
  readonly digest?: (algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array) => Uint8Array | Promise<Uint8Array>;
}
