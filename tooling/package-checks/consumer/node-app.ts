// A Node app (@types/node, no DOM lib): Node's own AbortSignal, WebCrypto, fetch and environment go where
// Sealpost's declarations take them, and come back as the same types.
import { webcrypto } from 'node:crypto';
import { createSealpost, type RevocationFetch, type VerifyOptions } from '@sealpost/core';
import type { Transport } from '@sealpost/core';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createForgeBackend } from '@sealpost/backend-forge';
import { createOpensslBackend } from '@sealpost/backend-openssl';
import { createMemoryKeyStore } from '@sealpost/keystore-memory';
import { createDirectoryKeyStore } from '@sealpost/keystore-dir';
import { createSqliteKeyStore } from '@sealpost/keystore-sqlite';
import { createRelayCollector, createSparkPostTransport } from '@sealpost/transport-sparkpost';
import { createSmtpTransport } from '@sealpost/transport-smtp';

const signal: AbortSignal = AbortSignal.timeout(1000);
const options: VerifyOptions = { trustAnchors: [], signal };
export const sameSignal: AbortSignal | undefined = options.signal;

export const sealpost = createSealpost({ backend: createPkijsBackend({ crypto: webcrypto }) });
export const withGlobalCrypto = createPkijsBackend({ crypto: globalThis.crypto });
export const forge = createForgeBackend();
export const openssl = createOpensslBackend({ env: process.env });
const fetchRevocation: RevocationFetch = (url, init) => globalThis.fetch(url, init);
export const response: Promise<Response> = fetchRevocation('http://crl.example/ca.crl', { method: 'GET' });

export const sparkpost: Transport = createSparkPostTransport({ apiKey: 'key', fetch: globalThis.fetch });
export const smtp: Transport = createSmtpTransport({ url: 'smtps://mail.example:465' });
const collector = createRelayCollector({ sealpost, keystore: createMemoryKeyStore(), trustAnchors: [new Uint8Array(1)], token: 'token' });
export const handle: (request: Request) => Promise<Response> = (request) => collector.handle(request);
export const stores = [createDirectoryKeyStore({ dir: '/tmp/keys' }), createSqliteKeyStore({ path: '/tmp/keys.db' })];
