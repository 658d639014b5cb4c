import type { Identity } from '@sealpost/core';

export type Say = (text: string) => Promise<void>;

export interface Cast {
  /** The test CA's certificate: the only trust anchor anyone uses. */
  readonly ca: Uint8Array;
  readonly alice: Identity;
  readonly bob: Identity;
  readonly mallory: Identity;
}

/** What every step of the demo shares: its folder, its people, and the list of surprises. */
export interface DemoContext {
  readonly dir: string;
  readonly cast: Cast;
  readonly say: Say;
  /** Records `what` as a failure unless `ok`. */
  expect(ok: boolean, what: string): void;
}
