import type { ContentCipher, KeyAgreement, KeyTransport } from '@sealpost/core';
import type { TestIdentity } from '@sealpost/fixtures';
import type { Abilities } from '../abilities.js';

/** A peer's judgement of one CMS object. */
export interface PeerVerdict {
  readonly ok: boolean;
  readonly detail: string;
  /** Recovered content (opaque signatures, decryption), present only when ok. */
  readonly content?: Uint8Array;
}

export interface EncryptPlan {
  readonly cipher: ContentCipher;
  /** Key transport for an RSA recipient; key agreement for an EC one (what the peer does by default). */
  readonly keyTransport?: KeyTransport;
  readonly keyAgreement?: KeyAgreement;
  /** Who to encrypt to: bob, or carol for key agreement. */
  readonly recipient: TestIdentity;
}

/** A peer program reduced to bare CMS in and out; peer-actor.ts puts the MIME around it. */
export interface PeerDriver {
  readonly version: string;
  readonly produces: Abilities;
  readonly consumes: Abilities;
  /** SignedData by the sender over CONTENT, detached or with eContent. */
  sign(content: Uint8Array, detached: boolean, signal?: AbortSignal): Promise<Uint8Array>;
  /** The peer's closest attempt at PLAN for the recipient; the matrix checks what it really made. */
  encrypt(content: Uint8Array, plan: EncryptPlan, signal?: AbortSignal): Promise<Uint8Array>;
  /** Verification anchored at the test root; CONTENT is the detached content. */
  verify(cms: Uint8Array, content: Uint8Array | undefined, signal?: AbortSignal): Promise<PeerVerdict>;
  /** Decryption with RECIPIENT's key (bob, or carol for key agreement). */
  decrypt(cms: Uint8Array, recipient: TestIdentity, signal?: AbortSignal): Promise<PeerVerdict>;
  dispose(): Promise<void>;
}
