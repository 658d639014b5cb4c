import { type Sealpost, createSealpost } from '@sealpost/core';
import { createPkijsBackend } from '@sealpost/backend-pkijs';

/**
 * The page's one Sealpost: WebCrypto through backend-pkijs's browser entry. Revocation is off because
 * checking it means asking a CA's server about the signer, and nothing leaves this page.
 */
export function createPageSealpost(): Sealpost {
  return createSealpost({ backend: createPkijsBackend(), policy: { revocation: 'off' } });
}
