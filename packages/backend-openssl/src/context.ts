import type { BackendCapabilities } from '@sealpost/core';
import type { Openssl } from './openssl.js';

/** What every operation needs: the configured openssl runner and the capabilities detected at creation. */
export interface Context {
  readonly openssl: Openssl;
  readonly capabilities: BackendCapabilities;
}
