import { pemEncode } from '@sealpost/core';
import { generateTestCa, generateTestIdentity } from '@sealpost/core/testing';
import { createMemoryKeyStore } from '@sealpost/keystore-memory';
import type { RelayCollector } from '@sealpost/transport-sparkpost';
import { describe, expect, it } from 'vitest';
import { keyServerRoutes } from './key-server-routes.js';

const collector: RelayCollector = { handle: async (request) => new Response(`collector saw ${request.method} ${new URL(request.url).pathname}`, { status: 299 }) };

let made: Promise<{ route: (r: Request) => Promise<Response>; pem: string }> | undefined;

/** One CA and certificate for every test: RSA key generation is the slow part. */
function routes(): Promise<{ route: (r: Request) => Promise<Response>; pem: string }> {
  made ??= makeRoutes();
  return made;
}

async function makeRoutes(): Promise<{ route: (r: Request) => Promise<Response>; pem: string }> {
  const ca = await generateTestCa();
  const bob = await generateTestIdentity({ email: 'bob@example.com', ca });
  const keystore = createMemoryKeyStore();
  await keystore.put({ address: 'bob@example.com', certificate: bob.certificate, chain: [ca.certificate], source: 'test' });
  return { route: keyServerRoutes({ collector, keystore }), pem: pemEncode(bob.certificate, 'CERTIFICATE') + pemEncode(ca.certificate, 'CERTIFICATE') };
}

const get = (path: string, method = 'GET'): Request => new Request(`http://127.0.0.1${path}`, { method });

describe('keyServerRoutes', () => {
  it('hands /webhooks/relay and / to the collector, whatever the method', async () => {
    const { route } = await routes();
    for (const path of ['/webhooks/relay', '/']) {
      const response = await route(new Request(`http://127.0.0.1${path}`, { method: 'POST', body: '[]' }));
      expect(response.status).toBe(299);
      expect(await response.text()).toBe(`collector saw POST ${path}`);
    }
  });

  it('answers GET /certificates/ADDRESS with the certificate and its chain as PEM, the domain in any case', async () => {
    const { route, pem } = await routes();
    for (const path of ['/certificates/bob@example.com', '/certificates/bob%40EXAMPLE.com']) {
      const response = await route(get(path));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pem-certificate-chain');
      expect(response.headers.get('x-certificate-fingerprint')).toMatch(/^[0-9a-f]{64}$/);
      expect(await response.text()).toBe(pem);
    }
  });

  it('answers 404 for an unknown address, 400 for something else, 405 for a write', async () => {
    const { route } = await routes();
    expect((await route(get('/certificates/carol@example.com'))).status).toBe(404);
    expect((await route(get('/certificates/not-an-address'))).status).toBe(400);
    expect((await route(get('/certificates/%E0%A4%A'))).status).toBe(400);
    expect((await route(get('/certificates/bob@example.com', 'DELETE'))).status).toBe(405);
  });

  it('answers /healthz, and 404 elsewhere', async () => {
    const { route } = await routes();
    const health = await route(get('/healthz'));
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await route(get('/elsewhere'))).status).toBe(404);
  });
});
