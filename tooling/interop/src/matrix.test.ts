import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { type BackendCapabilities, type CryptoBackend, SealpostError, inspectCms } from '@sealpost/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEntry } from './backends.js';
import { runMatrix } from './matrix.js';
import { problemsOf } from './problems.js';
import type { CellResult, MatrixResult } from './results.js';

// The matrix logic, exercised with backends whose claims are made true or false on purpose. Peers are left
// out (except where a missing program is the point), so this runs in seconds.

const pkijs: BackendEntry = { name: 'pkijs', create: () => createPkijsBackend() };

function variant(name: string, capabilities: Partial<BackendCapabilities>, overrides: Partial<CryptoBackend> = {}): BackendEntry {
  return {
    name,
    create: () => {
      const base = createPkijsBackend();
      return { ...base, name, capabilities: { ...base.capabilities, ...capabilities }, ...overrides };
    },
  };
}

const withoutGcmOrOaep: Partial<BackendCapabilities> = {
  contentCiphers: ['aes-128-cbc', 'aes-256-cbc'],
  keyTransport: ['rsa-pkcs1'],
};

/** Declares no GCM or OAEP, and refuses them with typed errors, as a backend must. */
const honest = variant('honest', withoutGcmOrOaep, {
  encrypt: async (request) => {
    if (request.cipher.endsWith('-gcm')) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `${request.cipher} is not supported`);
    if (request.keyTransport === 'rsa-oaep') throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', 'rsa-oaep is not supported');
    return createPkijsBackend().encrypt(request);
  },
  decrypt: async (request) => {
    const summary = inspectCms(request.cms);
    if (summary.type === 'auth-enveloped-data') throw new SealpostError('ERR_UNSUPPORTED_CIPHER', 'AES-GCM is not supported');
    if (summary.type === 'enveloped-data' && summary.recipients.some((r) => r.keyTransport === 'rsa-oaep')) throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', 'rsa-oaep is not supported');
    return createPkijsBackend().decrypt(request);
  },
});

/** Declares no GCM or OAEP, yet does both. */
const modest = variant('modest', withoutGcmOrOaep);

/** Declares no GCM, and fails at it with an untyped error. */
const untyped = variant('untyped', withoutGcmOrOaep, {
  encrypt: async (request) => {
    if (request.cipher.endsWith('-gcm') || request.keyTransport === 'rsa-oaep') throw new Error('cannot');
    return createPkijsBackend().encrypt(request);
  },
});

/** Claims everything, but finds every signature bad. */
const broken = variant(
  'broken',
  {},
  {
    verify: async (request) => (await createPkijsBackend().verify(request)).map((check) => ({ ...check, signatureValid: false })),
  },
);

function cell(result: MatrixResult, operation: string, producer: string, consumer: string): CellResult {
  const found = result.cells.find((c) => c.operation === operation && c.producer === `sealpost-${producer}` && c.consumer === `sealpost-${consumer}`);
  if (found === undefined) throw new Error(`no cell ${operation} ${producer} -> ${consumer}`);
  return found;
}

describe('runMatrix', () => {
  const savedPath = process.env['PATH'];
  afterEach(() => {
    process.env['PATH'] = savedPath;
  });

  it('passes every cell both sides support, with the cipher used recorded', async () => {
    const result = await runMatrix({ backends: [pkijs], peers: [], operations: ['sign-detached', 'encrypt-oaep', 'sign-encrypt'] });
    expect(result.cells.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(cell(result, 'encrypt-oaep', 'pkijs', 'pkijs')).toMatchObject({ cipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' });
    expect(result.controls.map((c) => [c.control, c.rejected])).toEqual([
      ['tampered-content', true],
      ['untrusted-signer', true],
      ['other-recipient', true],
    ]);
    expect(problemsOf(result)).toEqual([]);
  });

  it('marks a declared limit unsupported once trying it failed with a typed error, on both sides', async () => {
    const result = await runMatrix({ backends: [pkijs, honest], peers: [], operations: ['encrypt-gcm', 'encrypt-oaep'] });
    const made = cell(result, 'encrypt-gcm', 'honest', 'pkijs');
    expect(made.status).toBe('unsupported');
    expect(made.refusals).toEqual([expect.objectContaining({ actor: 'sealpost-honest', role: 'producer', feature: 'aes-gcm', observed: expect.stringContaining('ERR_UNSUPPORTED_CIPHER') })]);
    const read = cell(result, 'encrypt-gcm', 'pkijs', 'honest');
    expect(read.status).toBe('unsupported');
    expect(read.refusals).toEqual([expect.objectContaining({ actor: 'sealpost-honest', role: 'consumer', feature: 'aes-gcm', observed: expect.stringContaining('ERR_UNSUPPORTED_CIPHER') })]);
    // OAEP falls back to CBC towards a consumer without GCM, so OAEP alone decides the cell.
    const oaep = cell(result, 'encrypt-oaep', 'pkijs', 'honest');
    expect(oaep).toMatchObject({ status: 'unsupported', cipher: 'aes-256-cbc', keyTransport: 'rsa-oaep' });
    expect(oaep.refusals.map((r) => r.feature)).toEqual(['rsa-oaep']);
    expect(cell(result, 'encrypt-gcm', 'pkijs', 'pkijs').status).toBe('pass');
    expect(problemsOf(result)).toEqual([]);
  });

  it('reports a declared limit that in fact works as unexpected, never as unsupported', async () => {
    const result = await runMatrix({ backends: [pkijs, modest], peers: [], operations: ['encrypt-gcm'] });
    expect(cell(result, 'encrypt-gcm', 'modest', 'pkijs').status).toBe('unexpected');
    expect(cell(result, 'encrypt-gcm', 'pkijs', 'modest')).toMatchObject({ status: 'unexpected', detail: expect.stringContaining('declared unsupported') });
    expect(result.productions.find((p) => p.producer === 'sealpost-modest')?.status).toBe('unexpected');
    expect(problemsOf(result)).toHaveLength(3);
  });

  it('fails a declared limit refused without a typed ERR_UNSUPPORTED_* error', async () => {
    const result = await runMatrix({ backends: [pkijs, untyped], peers: [], operations: ['encrypt-gcm'] });
    const failed = cell(result, 'encrypt-gcm', 'untyped', 'pkijs');
    expect(failed.status).toBe('fail');
    expect(failed.detail).toContain('instead of a typed ERR_UNSUPPORTED_* error');
  });

  it('fails every cell a wrong consumer reads, and names them', async () => {
    const result = await runMatrix({ backends: [pkijs, broken], peers: [], operations: ['sign-detached', 'encrypt-cbc'] });
    expect(cell(result, 'sign-detached', 'pkijs', 'broken')).toMatchObject({ status: 'fail', detail: expect.stringContaining('verify: invalid') });
    expect(cell(result, 'sign-detached', 'broken', 'pkijs').status).toBe('pass');
    expect(cell(result, 'encrypt-cbc', 'pkijs', 'broken').status).toBe('pass');
    expect(problemsOf(result)).toEqual([
      expect.stringMatching(/^sign-detached: Sealpost pkijs -> Sealpost broken: FAIL: verify: invalid/),
      expect.stringMatching(/Sealpost broken -> Sealpost broken: FAIL/),
    ]);
  });

  it('turns a peer whose program is missing into failed cells, not skipped ones', async () => {
    process.env['PATH'] = '/nonexistent';
    const result = await runMatrix({ backends: [pkijs], peers: ['nss'], operations: ['sign-detached'] });
    expect(result.actors.find((a) => a.id === 'nss')?.setupError).toMatch(/cmsutil is not installed/);
    expect(result.cells.filter((c) => c.producer === 'nss' || c.consumer === 'nss').map((c) => c.status)).toEqual(['fail', 'fail', 'fail']);
    expect(problemsOf(result)[0]).toMatch(/^NSS cmsutil: setup failed/);
  });
});
