import { createSealpost } from '@sealpost/core';
import { ensureTestPki } from '@sealpost/fixtures';
import { beforeAll, describe } from 'vitest';
import { cmsReadingTests } from './cms-reading.js';
import { curve25519Tests } from './curve25519.js';
import type { BackendSuiteOptions, SuiteContext } from './context.js';
import { decryptionTests } from './decryption.js';
import { headerProtectionTests } from './header-protection.js';
import { keyAgreementTests } from './key-agreement.js';
import { layerLimitTests } from './layer-limits.js';
import { coreDigestTests } from './core-digests.js';
import { legacyReadingTests } from './legacy-reading.js';
import { pathTests } from './paths.js';
import { postQuantumTests } from './post-quantum.js';
import { revocationTests } from './revocation.js';
import { roundTripTests } from './roundtrip.js';
import { storedMailTests } from './stored-mail.js';
import { verdictTests } from './verdicts.js';
import { vectorTests } from './vectors.js';

/**
 * The suite every backend runs: round trips for what it claims, typed errors for what it does not,
 * fixed vectors, peer-made messages, and one broken message per verdict rule.
 */
export function defineBackendSuite(options: BackendSuiteOptions): void {
  describe(`conformance: ${options.name}`, () => {
    const ctx = {} as SuiteContext;
    beforeAll(async () => {
      ctx.pki = await ensureTestPki();
      ctx.backend = await options.create();
      ctx.sp = createSealpost({ backend: ctx.backend });
      ctx.anchors = [ctx.pki.ca.cert];
    });
    roundTripTests(ctx);
    verdictTests(ctx);
    pathTests(ctx);
    revocationTests(ctx);
    decryptionTests(ctx);
    keyAgreementTests(ctx);
    curve25519Tests(ctx);
    postQuantumTests(ctx);
    cmsReadingTests(ctx);
    layerLimitTests(ctx);
    vectorTests(ctx);
    legacyReadingTests(ctx);
    coreDigestTests(ctx);
    storedMailTests(ctx);
    headerProtectionTests(ctx);
  });
}
