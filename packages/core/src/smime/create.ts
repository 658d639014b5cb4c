import type { CryptoBackend } from '../backend.js';
import { decryptMessage } from './decrypt.js';
import { encryptEntity, encryptMessage } from './encrypt.js';
import { openMessage } from './open.js';
import { sendMessage } from './send.js';
import { signEntity, signMessage } from './sign.js';
import { joinMessage } from '../mime/index.js';
import { splitForSealing } from './header-protection.js';
import { resolveSealpostLimits } from './limits.js';
import { resolveRevocationSettings } from '../pki/revocation.js';
import type { Sealpost, SealpostOptions } from './types.js';
import { type VerifyContext, verifyMessage } from './verify.js';

function assertBackend(backend: CryptoBackend | undefined): asserts backend is CryptoBackend {
  if (backend === undefined || typeof backend.sign !== 'function' || typeof backend.verify !== 'function') throw new TypeError('createSealpost: options.backend must be a CryptoBackend');
}

/** Wires a backend to core's MIME handling and verdict rules. Nothing global: one object per setup. */
export function createSealpost(options: SealpostOptions): Sealpost {
  assertBackend(options.backend);
  const { backend } = options;
  const ctx: VerifyContext = {
    backend,
    policy: options.policy,
    limits: resolveSealpostLimits(options.limits),
    revocation: resolveRevocationSettings(options.revocation),
  };
  return {
    backend,
    sign: (message, o) => signMessage(backend, message, o),
    encrypt: (message, o) => encryptMessage(backend, message, o),
    async signAndEncrypt(message, o) {
      const { outerHeaders, entity } = splitForSealing(message, true, o);
      const { headerProtection: _hp, ...signing } = o;
      const signed = await signEntity(backend, entity, signing);
      return joinMessage(outerHeaders, await encryptEntity(backend, signed, o));
    },
    verify: (message, o) => verifyMessage(ctx, message, o),
    decrypt: (message, o) => decryptMessage(ctx, message, o),
    open: (message, o) => openMessage(ctx, message, o),
    send: (message, o) => sendMessage({ backend, transport: options.transport, keystore: options.keystore, identity: options.identity, selfCertificate: options.selfCertificate }, message, o),
  };
}
