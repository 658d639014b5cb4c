/** Options of `createForgeBackend`. */
export interface ForgeBackendOptions {
  /**
   * Source of random octets for content-encryption keys, IVs, GCM nonces, PKCS#1 v1.5 padding, OAEP
   * seeds, PSS salts, ECDSA hedging and the RFC 3218 substitute keys. It must be a cryptographically
   * secure generator. Default: node-forge's `forge.random.getBytesSync`, an AES-based Fortuna
   * generator that node-forge seeds from the platform (`crypto.getRandomValues`, or Node's crypto).
   * RSA blinding inside node-forge and @noble/curves draws from their own generators.
   */
  readonly random?: (length: number) => Uint8Array;
}
