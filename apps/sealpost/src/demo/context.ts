import type { Identity } from '@sealpost/core';
import type { TestCa } from '@sealpost/core/testing';

export type Say = (text: string) => Promise<void>;

export interface Cast {
  /** The test CA's certificate: the only trust anchor anyone uses. */
  readonly ca: Uint8Array;
  /** The same CA with its key, which signs its CRLs. */
  readonly authority: TestCa;
  readonly alice: Identity;
  readonly bob: Identity;
  readonly mallory: Identity;
  /** Her certificate is revoked in step 5. */
  readonly carol: Identity;
}

/** What every step of the demo shares: its folder, its people, and the list of surprises. */
export interface DemoContext {
  readonly dir: string;
  readonly cast: Cast;
  readonly say: Say;
  /** Records `what` as a failure unless `ok`. */
  expect(ok: boolean, what: string): void;
}
