import { describe, expect, it } from 'vitest';
import { operationById } from './operations.js';
import { renderMarkdown } from './render.js';
import type { CellResult, MatrixResult } from './results.js';

const gcm = operationById('encrypt-gcm');
const base = { operation: gcm.id, cipher: 'aes-256-gcm', keyTransport: 'rsa-pkcs1', refusals: [], detail: '' } as const;

function cell(producer: string, consumer: string, extra: Partial<CellResult>): CellResult {
  return { ...base, producer, consumer, status: 'pass', ...extra };
}

const nssRefusal = {
  actor: 'nss',
  role: 'consumer',
  feature: 'aes-gcm',
  reason: 'NSS has no AuthEnvelopedData',
  observed: 'decrypt: cmsutil exit 1: SEC_ERROR_UNRECOGNIZED_OID | odd',
} as const;

const result: MatrixResult = {
  startedAt: '2026-06-01T09:00:00.000Z',
  durationMs: 1234,
  actors: [
    { id: 'sealpost-pkijs', label: 'Sealpost pkijs', kind: 'sealpost', version: 'this workspace', setupError: null },
    { id: 'nss', label: 'NSS cmsutil', kind: 'peer', version: 'NSS 3.87.1', setupError: null },
  ],
  operations: [gcm],
  productions: [],
  cells: [
    cell('sealpost-pkijs', 'sealpost-pkijs', {}),
    cell('sealpost-pkijs', 'nss', { status: 'unsupported', refusals: [nssRefusal] }),
    cell('nss', 'sealpost-pkijs', { status: 'unexpected', detail: 'declared unsupported but worked' }),
    cell('nss', 'nss', { status: 'fail', detail: 'verify: bad' }),
  ],
  controls: [
    { control: 'tampered-content', title: 'tampered', consumer: 'sealpost-pkijs', rejected: true, detail: 'invalid' },
    { control: 'tampered-content', title: 'tampered', consumer: 'nss', rejected: false, detail: 'GoodSignature' },
  ],
};

describe('renderMarkdown', () => {
  const page = renderMarkdown(result);
  const lines = page.split('\n');

  it('dates the page and lists every participant with its version', () => {
    expect(page).toMatch(/^# Interop matrix\n\nGenerated 2026-06-01 by `pnpm interop`/);
    expect(page).toContain('| NSS cmsutil | peer | NSS 3.87.1 |');
  });

  it('draws one table per operation, producers down and consumers across', () => {
    const header = lines.indexOf('| producer ↓ / consumer → | Sealpost pkijs | NSS cmsutil |');
    expect(header).toBeGreaterThan(lines.indexOf(`## ${gcm.title}`));
    expect(lines[header + 2]).toBe('| **Sealpost pkijs** <br>aes-256-gcm, rsa-pkcs1 | ✅ | ➖ unsupported by NSS cmsutil [1] |');
    expect(lines[header + 3]).toBe('| **NSS cmsutil** <br>aes-256-gcm, rsa-pkcs1 | ⚠️ unexpected | ❌ FAIL |');
  });

  it('explains each unsupported cell: who, why, what trying it showed, and where', () => {
    expect(page).toContain('**[1] NSS cmsutil does not read AES-GCM (AuthEnvelopedData).** NSS has no AuthEnvelopedData.');
    expect(page).toContain('- `decrypt: cmsutil exit 1: SEC_ERROR_UNRECOGNIZED_OID | odd`');
    expect(page).toContain('Cells: Sealpost pkijs → NSS cmsutil (encrypt-gcm).');
  });

  it('lists controls and every problem, with table pipes escaped', () => {
    expect(page).toContain('| tampered | ✅ rejected | ❌ ACCEPTED |');
    const failures = page.slice(page.indexOf('## Failures'));
    expect(failures).toContain('- encrypt-gcm: NSS cmsutil -> Sealpost pkijs: UNEXPECTED: declared unsupported but worked');
    expect(failures).toContain('- encrypt-gcm: NSS cmsutil -> NSS cmsutil: FAIL: verify: bad');
    expect(failures).toContain('- control tampered-content: NSS cmsutil accepted it: GoodSignature');
  });

  it('writes "None." when nothing failed', () => {
    const clean = renderMarkdown({ ...result, cells: [result.cells[0]!], controls: [] });
    expect(clean).toContain('## Failures\n\nNone.\n');
  });
});
