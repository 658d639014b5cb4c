// A browser app (the DOM lib, no Node types): the runtime's own AbortSignal, WebCrypto, fetch, Request and
// Response go where Sealpost's declarations take them, and come back as the same types.
import { createSealpost, type RevocationFetch, type VerifyOptions } from '@sealpost/core';
import type { Transport } from '@sealpost/core';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { createForgeBackend } from '@sealpost/backend-forge';
import { createMemoryKeyStore } from '@sealpost/keystore-memory';
import { createRelayCollector, createSparkPostTransport } from '@sealpost/transport-sparkpost';

const signal: AbortSignal = new AbortController().signal;
const options: VerifyOptions = { trustAnchors: [], signal };
export const sameSignal: AbortSignal | undefined = options.signal;

export const sealpost = createSealpost({ backend: createPkijsBackend({ crypto: globalThis.crypto }) });
export const forge = createForgeBackend();
const fetchRevocation: RevocationFetch = (url, init) => globalThis.fetch(url, init);
export const response: Promise<Response> = fetchRevocation('http://crl.example/ca.crl', { method: 'GET' });

export const transport: Transport = createSparkPostTransport({ apiKey: 'key', fetch: globalThis.fetch });
const collector = createRelayCollector({ sealpost, keystore: createMemoryKeyStore(), trustAnchors: [new Uint8Array(1)], token: 'token' });
export const handle: (request: Request) => Promise<Response> = (request) => collector.handle(request);
