import type { ContentCipher, CryptoBackend, DigestAlgorithm, Identity, KeyStore, SendOptions } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { usageError } from '../errors.js';
import { type IdentityFlags, loadIdentities } from '../identity.js';
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
  readonly keystore: KeyStore | undefined;
  readonly opened: OpenedTransport;
  readonly options: SendOptions;
  close(): Promise<void>;
}

export async function openSender(flags: SendFlags, concurrency: number): Promise<Sender> {
  const identity = await senderIdentity(flags);
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
    keystore,
    opened,
    options: sendOptionsOf(flags),
    async close() {
      await opened.transport.close?.();
      await keystore?.close?.();
    },
  };
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
