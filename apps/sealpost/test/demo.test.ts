import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBuilt, sealpost } from './helpers.js';

// Each test starts real processes (key generation, openssl): give them room on a slow machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

beforeAll(assertBuilt);

describe('sealpost demo', () => {
  it('tells the story, prints the table, exits 0 and leaves no temporary folder', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('sealpost-demo-')));
    const started = Date.now();
    const result = await sealpost(['demo']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(30_000);
    const out = result.out;
    expect(out).toMatch(/^case +layer +cipher +authenticated +signer +verdict$/m);
    expect(out).toMatch(/^Bob opens +encrypted +aes-256-gcm +yes +- +decrypted$/m);
    expect(out).toMatch(/^ +signed +- +- +alice@example\.com +valid$/m);
    expect(out).toMatch(/^Alice's sent copy +encrypted +aes-256-gcm +yes +- +decrypted$/m);
    expect(out).toMatch(/^one bit flipped +encrypted +aes-256-gcm +yes +- +failed$/m);
    expect(out).toMatch(/^From: Alice, signed by Mallory +encrypted +aes-256-gcm +yes +- +decrypted$/m);
    expect(out).toMatch(/^ +signed +- +- +mallory@example\.com +invalid$/m);
    expect(out).toContain('Attachment bytes unchanged: yes');
    expect(out).toMatch(/Every outcome was as expected \(\d+\.\d s\)\.\n$/);
    const after = readdirSync(tmpdir()).filter((n) => n.startsWith('sealpost-demo-') && !before.has(n));
    expect(after).toEqual([]);
  });
});
