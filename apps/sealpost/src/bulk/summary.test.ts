import { describe, expect, it } from 'vitest';
import type { BulkLine } from './run.js';
import { bulkSummary, renderBulkSummary } from './summary.js';

const WHERE = { report: 'out.jsonl', journal: 'out.jsonl.journal', stopped: false };

function outcome(address: string, status: 'accepted' | 'rejected' | 'deferred' | 'failed', code?: string): BulkLine {
  return {
    line: 2,
    address,
    status,
    signed: true,
    encrypted: status !== 'failed',
    ...(code === undefined ? {} : { error: { code, message: `${code} for ${address}` } }),
  } as BulkLine;
}

describe('the bulk summary', () => {
  it('names the rejected, deferred and failed addresses, with the code of each failure', () => {
    const lines = [
      outcome('ann@example.com', 'accepted'),
      outcome('bob@example.com', 'rejected', 'ERR_TRANSPORT_REJECTED'),
      outcome('cy@example.com', 'deferred', 'ERR_TRANSPORT_DEFERRED'),
      outcome('dee@example.com', 'failed', 'ERR_TRANSPORT_TLS'),
      outcome('eve@example.com', 'failed', 'ERR_NO_CERTIFICATE'),
    ];
    const summary = bulkSummary(lines, WHERE);
    expect(summary).toMatchObject({
      rejectedAddresses: ['bob@example.com'],
      deferredAddresses: ['cy@example.com'],
      failures: [{ address: 'dee@example.com', code: 'ERR_TRANSPORT_TLS' }],
      withoutCertificate: ['eve@example.com'],
    });
    expect(renderBulkSummary(summary)).toBe(
      [
        'bulk: 1 of 5 recipient(s) accepted',
        '  rejected 1, deferred 1, failed 2, unknown 0, not yet sent 0',
        '  rejected: bob@example.com',
        '  deferred: cy@example.com',
        '  failed: dee@example.com [ERR_TRANSPORT_TLS]',
        '  no certificate, not sent: eve@example.com',
        '  report: out.jsonl',
        '  journal: out.jsonl.journal',
        '',
      ].join('\n'),
    );
  });

  it('names at most ten of each in a large run, and says how many more the report holds', () => {
    const rejected = Array.from({ length: 2500 }, (_, i) => outcome(`r${i}@example.com`, 'rejected', 'ERR_TRANSPORT_REJECTED'));
    const noCertificate = Array.from({ length: 12 }, (_, i) => outcome(`n${i}@example.com`, 'failed', 'ERR_NO_CERTIFICATE'));
    const summary = bulkSummary([...rejected, ...noCertificate], WHERE);
    expect(summary.rejected).toBe(2500);
    expect(summary.rejectedAddresses).toEqual(rejected.slice(0, 10).map((l) => l.address));
    expect(summary.failures).toEqual([]);
    const text = renderBulkSummary(summary);
    expect(text).toContain(
      `  rejected: ${rejected
        .slice(0, 10)
        .map((l) => l.address)
        .join(', ')}, and 2490 more (in the report)\n`,
    );
    expect(text).toContain(
      `  no certificate, not sent: ${noCertificate
        .slice(0, 10)
        .map((l) => l.address)
        .join(', ')}, and 2 more (in the report)\n`,
    );
    expect(text).not.toMatch(/^ {2}failed:/m);
    expect(text.length).toBeLessThan(2000);
  });
});
