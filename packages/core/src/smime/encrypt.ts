import type { CryptoBackend } from '../backend.js';
import { SealpostError } from '../errors.js';
import { toCrlf } from '../mime/index.js';
import { joinMessage } from '../mime/index.js';
import { splitForSealing } from './header-protection.js';
import { isAuthenticatedCipher } from '../backend-kit/algorithms.js';
import { chooseCipher, recipientCapabilities } from '../keystore/cipher-choice.js';
import type { EncryptOptions, EncryptRecipient } from './types.js';
import { pkcs7MimeEntity } from './wrap.js';

export async function encryptMessage(backend: CryptoBackend, message: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const { outerHeaders, entity } = splitForSealing(message, true, options);
  return joinMessage(outerHeaders, await encryptEntity(backend, entity, options));
}

export async function encryptEntity(backend: CryptoBackend, entity: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  if (options.recipients.length === 0) throw new SealpostError('ERR_INVALID_ARGUMENT', 'encrypt needs at least one recipient certificate');
  const recipients = options.recipients.map(recipientOf);
  const cipher =
    options.cipher ??
    chooseCipher(
      recipients.map((r) => recipientCapabilities(r.certificate, r.smimeCapabilities).smimeCapabilities),
      { cipherUnknown: options.cipherUnknown },
    );
  const cms = await backend.encrypt({
    content: toCrlf(entity),
    recipients: recipients.map(({ certificate }) => ({ certificate })),
    cipher,
    keyTransport: options.keyTransport ?? 'rsa-pkcs1',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return pkcs7MimeEntity(isAuthenticatedCipher(cipher) ? 'authEnveloped-data' : 'enveloped-data', cms);
}

function recipientOf(recipient: Uint8Array | EncryptRecipient): EncryptRecipient {
  return recipient instanceof Uint8Array ? { certificate: recipient } : recipient;
}
