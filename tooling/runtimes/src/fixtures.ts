// What every runtime gets: the same test PKI and the same messages, made once in Node, as JSON (bytes in
// base64), so that a Chromium page, a Web Worker, Deno and Bun read exactly the inputs Node reads.
import { base64Decode, base64Encode } from '@sealpost/core';

/** A certificate and its PKCS#8 key, as base64 DER. */
export interface IdentityJson {
  readonly email: string;
  readonly certificate: string;
  readonly privateKey: string;
}

/** Where the round trips send a transmission: the SparkPost contract server on loopback (Node, Deno, Bun). */
export interface SparkPostJson {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export interface FixturesJson {
  /** Trust anchors, base64 DER: the RSA root and the Ed25519 root. */
  readonly anchors: readonly string[];
  readonly identities: {
    /** RSA 2048: PKCS#1 v1.5 and PSS signatures, OAEP and PKCS#1 v1.5 key transport. */
    readonly rsa: IdentityJson;
    /** ECDSA P-256 signatures and ECDH P-256 key agreement. */
    readonly ec: IdentityJson;
    readonly ed25519: IdentityJson;
    readonly x25519: IdentityJson;
  };
  /** Messages made by Node's backend, base64: each runtime must read them as Node does. */
  readonly messages: {
    /** Detached signature by the RSA identity. */
    readonly signed: string;
    /** The same message with one word of the signed body changed after signing. */
    readonly tamperedSigned: string;
    /** Signed by the RSA identity, encrypted to it (AES-256-GCM, RSA-OAEP). */
    readonly sealed: string;
    /** As sealed, with RFC 9788 header protection (`encrypt`): the outer Subject is `[...]`. */
    readonly sealedProtected: string;
    /** An AES-256-GCM message to the RSA identity with one byte of its ciphertext changed. */
    readonly tamperedGcm: string;
    /** AES-192-CBC to the RSA identity: WebCrypto in Chromium has no 192-bit AES. */
    readonly aes192: string;
  };
  /** The relay webhook's token the collector round trip uses. */
  readonly relayToken: string;
  /** Present where the runtime may open a socket to loopback. */
  readonly sparkpost?: SparkPostJson;
}

export const bytesOf = (text: string): Uint8Array => base64Decode(text);
export const textOf = (bytes: Uint8Array): string => base64Encode(bytes);
