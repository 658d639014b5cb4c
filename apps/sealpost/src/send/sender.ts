import { type ContentCipher, type CryptoBackend, type DigestAlgorithm, type Identity, type KeyStore, type SendOptions, parseCertificate } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { usageError } from '../errors.js';
import { type IdentityFlags, loadIdentities } from '../identity.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { openKeyStore } from '../keystore.js';
import { type BackendFlags, type HeaderProtectionFlags, headerProtectionFlags } from '../options.js';
import { type OpenedTransport, type TransportFlags, openTransport } from './transports.js';

export interface SendFlags extends BackendFlags, IdentityFlags, TransportFlags, HeaderProtectionFlags {
  readonly in?: string;
  readonly from?: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attach?: readonly string[];
  readonly sign: boolean;
  readonly encrypt: boolean;
  readonly keystore?: string;
  readonly selfCert?: string;
  readonly missingCertificate: 'refuse' | 'sign-only';
  readonly cipher?: ContentCipher;
  readonly cipherUnknown?: ContentCipher;
  readonly oaep?: boolean;
  /** Core's default when absent: SHA-256, or SHA-512 for an Ed25519 key. */
  readonly digest?: DigestAlgorithm;
  readonly json?: boolean;
  readonly bulk?: string;
  readonly template?: string;
  readonly concurrency?: string;
  readonly workers?: string;
  readonly report?: string;
  readonly journal?: string;
  readonly resendUnknown?: boolean;
  readonly retryFailed?: boolean;
  readonly progress: boolean;
  /** --bulk with --queue: enqueue into this PostgreSQL campaign queue instead of sending. */
  readonly queue?: string | boolean;
  readonly campaign?: string;
  readonly jobTimeout?: string;
}

/** Everything a send needs besides the message, opened from the flags. `close` releases it all. */
export interface Sender {
  readonly backend: CryptoBackend;
  readonly identity: Identity | undefined;
  /** --self-cert: where the sender's own copies go when the identity's key only signs (Ed25519). */
  readonly selfCertificate: Uint8Array | undefined;
  readonly keystore: KeyStore | undefined;
  readonly opened: OpenedTransport;
  readonly options: SendOptions;
  close(): Promise<void>;
}

export async function openSender(flags: SendFlags, concurrency: number): Promise<Sender> {
  const identity = await senderIdentity(flags);
  const selfCertificate = await selfCertificateOf(flags);
  // RFC 8410 5: an Ed25519 (or ML-DSA) key only signs; the sent copy needs a certificate that can receive.
  if (flags.encrypt && identity !== undefined && selfCertificate === undefined && ONLY_SIGNS.has(parseCertificate(identity.certificate).publicKey.type))
    throw usageError('your certificate can only sign, so your copy of each encrypted message has nowhere to go: give your encryption certificate with --self-cert (keygen writes ADDRESS.enc.crt)');
  if (flags.encrypt && flags.keystore === undefined) throw usageError("encrypting needs --keystore DIR (or sqlite:FILE) with the recipients' certificates; --no-encrypt sends without");
  const backend = await createBackend(flags.backend);
  // The key store before the transport: a --keystore that does not exist stops the command before it connects.
  const keystore = flags.keystore === undefined ? undefined : await openKeyStore(flags.keystore);
  const opened = await openTransport(flags, concurrency).catch(async (error: unknown) => {
    await keystore?.close?.();
    throw error;
  });
  return {
    backend,
    identity,
    selfCertificate,
    keystore,
    opened,
    options: sendOptionsOf(flags),
    async close() {
      await opened.transport.close?.();
      await keystore?.close?.();
    },
  };
}

const ONLY_SIGNS: ReadonlySet<string> = new Set(['ed25519', 'ed448', 'ml-dsa']);

/** The certificate --self-cert names, read once. */
export async function selfCertificateOf(flags: Pick<SendFlags, 'selfCert'>): Promise<Uint8Array | undefined> {
  return flags.selfCert === undefined ? undefined : (await loadCertificateFiles([flags.selfCert], 'own encryption certificate'))[0];
}

/** What send() is asked to do, from the flags. */
export function sendOptionsOf(flags: SendFlags): SendOptions {
  return {
    sign: flags.sign,
    encrypt: flags.encrypt,
    ...(flags.digest === undefined ? {} : { digest: flags.digest }),
    missingCertificate: flags.missingCertificate,
    ...(flags.cipher === undefined ? {} : { cipher: flags.cipher }),
    ...(flags.cipherUnknown === undefined ? {} : { cipherUnknown: flags.cipherUnknown }),
    ...(flags.oaep === true ? { keyTransport: 'rsa-oaep' as const } : {}),
    // Mail that is not encrypted can only protect its header fields from change, not hide them.
    ...headerProtectionFlags(flags.encrypt || flags.protectHeaders === undefined ? flags : { ...flags, protectHeaders: 'sign-only' }),
  };
}

/** The sender's identity: required to sign; without signing, an identity still gets a copy of each key. */
async function senderIdentity(flags: SendFlags): Promise<Identity | undefined> {
  const identities = await loadIdentities(flags);
  if (identities.length > 1) throw usageError('give one identity: one --cert/--key pair or one --p12');
  if (flags.sign && identities.length === 0) throw usageError('signing needs your identity: --cert FILE --key FILE, or --p12 FILE [--pass-env VAR]; --no-sign sends unsigned');
  return identities[0];
}
