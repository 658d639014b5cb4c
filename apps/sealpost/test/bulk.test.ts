import { type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBody, parseMime } from '@sealpost/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtpSink } from '../src/demo/smtp-sink.js';
import { answerTransmission, readBody, transmissionId } from '../src/demo/sparkpost-sink.js';
import { makeLocalhostCertificate } from '../src/demo/tls-certificate.js';
import { type Pki, assertBuilt, expectOk, makePki, sealpost, startSealpost, tempDir, waitFor } from './helpers.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const API_KEY = 'bulk-test-key';

let dir: string;
let cleanup: () => Promise<void>;
let pki: Pki;

beforeAll(async () => {
  assertBuilt();
  ({ dir, cleanup } = await tempDir());
  pki = await makePki(dir);
});
afterAll(() => cleanup?.());

/**
 * A server following SparkPost's Transmissions contract that can stop answering after `answerFirst`
 * transmissions: later requests arrive whole but get no answer, as when a process dies mid-request.
 * `countHeld` says whether such a request counts as delivered (the service kept it) or was lost.
 */
async function startHoldingSparkPost(): Promise<{
  baseUrl: string;
  deliveries: Map<string, number>;
  held: string[];
  hold(answerFirst: number, countHeld: boolean): void;
  /** Answers every later request only after `ms`. */
  slowDown(ms: number): void;
  answerAll(): void;
  close(): Promise<void>;
}> {
  const deliveries = new Map<string, number>();
  const held: string[] = [];
  const waiting: ServerResponse[] = [];
  let limit = Infinity;
  let countHeld = true;
  let answered = 0;
  let delayMs = 0;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const answer = answerTransmission({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }, API_KEY, transmissionId(answered));
      const address = answer.transmission?.recipients[0];
      if (address !== undefined && answered >= limit) {
        held.push(address);
        if (countHeld) deliveries.set(address, (deliveries.get(address) ?? 0) + 1);
        waiting.push(res);
        return;
      }
      if (address !== undefined) {
        answered += 1;
        deliveries.set(address, (deliveries.get(address) ?? 0) + 1);
      }
      setTimeout(() => res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body)), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    held,
    hold(answerFirst, count) {
      limit = answerFirst;
      countHeld = count;
    },
    slowDown(ms) {
      delayMs = ms;
    },
    answerAll() {
      limit = Infinity;
      for (const res of waiting.splice(0)) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function writeCsv(name: string, count: number): Promise<{ path: string; addresses: string[] }> {
  const addresses = Array.from({ length: count }, (_, i) => `user${String(i).padStart(3, '0')}@example.com`);
  const path = join(dir, name);
  await writeFile(path, ['email,name', ...addresses.map((a, i) => `${a},"Customer ${i}, Esq."`)].join('\r\n') + '\r\n');
  return { path, addresses };
}

async function journalRecords(path: string): Promise<{ event: string; address?: string }[]> {
  try {
    return (await readFile(path, 'utf8'))
      .split('\n')
      .filter((l) => l.endsWith('}'))
      .map((l) => JSON.parse(l) as { event: string; address?: string });
  } catch {
    return [];
  }
}

async function reportLines(path: string): Promise<{ line: number; address: string; status: string; earlier?: boolean; error?: { code: string } }[]> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { line: number; address: string; status: string });
}

const signOnly = (): string[] => ['--via', 'sparkpost', '--cert', pki.alice.cert, '--key', pki.alice.key, '--no-encrypt'];
const template = (): string[] => ['--from', 'Alice <alice@example.com>', '--subject', 'Statement for {{name}}', '--text', 'Dear {{name}},\nyour statement is ready.'];

describe('sealpost send --bulk', () => {
  it('sends 200 recipients, is killed half way, and the second run sends each remaining one exactly once', async () => {
    const server = await startHoldingSparkPost();
    try {
      const { path: csv, addresses } = await writeCsv('two-hundred.csv', 200);
      const report = join(dir, 'two-hundred.jsonl');
      const journal = `${report}.journal`;
      const env = { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl };
      const args = ['send', ...signOnly(), '--bulk', csv, ...template(), '--concurrency', '4', '--report', report];

      server.hold(100, true);
      const first = startSealpost(args, { env });
      await waitFor(async () => {
        const records = await journalRecords(journal);
        const done = records.filter((r) => r.event === 'done').length;
        return done >= 100 && server.held.length === 4 ? true : undefined;
      }, 'half of the journal to be done with four sends in flight');
      first.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(first.stderr()).toMatch(/^sent 20\/200 +10% +[\d.]+\/s +ETA \d+s$/m);

      const records = await journalRecords(journal);
      const doneBefore = new Set(records.filter((r) => r.event === 'done').map((r) => r.address));
      const inFlight = records.filter((r) => r.event === 'sending' && !doneBefore.has(r.address)).map((r) => r.address);
      expect(doneBefore.size).toBe(100);
      expect(inFlight.sort()).toEqual([...server.held].sort());

      server.answerAll();
      const second = await sealpost(args, { env });
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain('bulk: 96 of 200 recipient(s) to send now');
      expect(second.out).toMatch(/^bulk: 196 of 200 recipient\(s\) accepted \(104 outcome\(s\) from earlier runs, not sent again\)$/m);
      expect(second.out).toContain(`outcome unknown, not sent again (--resend-unknown sends them again, perhaps twice): ${addresses.filter((a) => inFlight.includes(a)).join(', ')}`);

      // Every recipient reached the server exactly once: the four in flight when the first run died
      // were received then, and were not sent again.
      expect(server.deliveries.size).toBe(200);
      expect([...server.deliveries.values()].every((n) => n === 1)).toBe(true);

      const lines = await reportLines(report);
      expect(lines.map((l) => l.address)).toEqual(addresses);
      expect(lines.map((l) => l.line)).toEqual(addresses.map((_, i) => i + 2));
      expect(lines.filter((l) => l.status === 'accepted')).toHaveLength(196);
      expect(
        lines
          .filter((l) => l.status === 'unknown')
          .map((l) => l.address)
          .sort(),
      ).toEqual([...inFlight].sort());
      expect(lines.filter((l) => l.earlier === true)).toHaveLength(104);
    } finally {
      await server.close();
    }
  });

  it('with --resend-unknown sends again what an interrupted run may not have delivered, once', async () => {
    const server = await startHoldingSparkPost();
    try {
      const { path: csv } = await writeCsv('ten.csv', 10);
      const report = join(dir, 'ten.jsonl');
      const env = { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl };
      const args = ['send', ...signOnly(), '--bulk', csv, ...template(), '--concurrency', '2', '--report', report, '--no-progress'];
      server.hold(5, false); // requests after the fifth are lost, never delivered
      const first = startSealpost(args, { env });
      await waitFor(() => (server.held.length === 2 ? true : undefined), 'two sends in flight');
      first.kill('SIGKILL');
      await first.exited;
      server.answerAll();

      const resumed = await sealpost([...args, '--resend-unknown'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toBe('bulk: 5 of 10 recipient(s) to send now (SparkPost at ' + server.baseUrl + ', concurrency 2)\n');
      expect(resumed.out).toMatch(/^bulk: 10 of 10 recipient\(s\) accepted \(5 outcome\(s\) from earlier runs/m);
      expect(server.deliveries.size).toBe(10);
      expect([...server.deliveries.values()].every((n) => n === 1)).toBe(true);

      const again = await sealpost(args, { env });
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/^bulk: 0 of 10 recipient\(s\) to send now/);
      expect([...server.deliveries.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('stops gracefully on SIGINT: sends in flight finish, the rest is reported pending, and a rerun sends it', async () => {
    const server = await startHoldingSparkPost();
    try {
      const { path: csv, addresses } = await writeCsv('thirty.csv', 30);
      const report = join(dir, 'thirty.jsonl');
      const env = { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl };
      const args = ['send', ...signOnly(), '--bulk', csv, ...template(), '--concurrency', '2', '--report', report];
      server.slowDown(150);
      const run = startSealpost(args, { env });
      await waitFor(() => (server.deliveries.size >= 4 ? true : undefined), 'a few deliveries');
      run.kill('SIGINT');
      expect(await run.exited).toEqual({ code: 1, signal: null });
      expect(run.stderr()).toContain('sealpost: stopping: no new message is started; those in flight finish');
      expect(run.stdout()).toContain('stopped before the end: run the same command again to send the rest');
      const lines = await reportLines(report);
      const accepted = lines.filter((l) => l.status === 'accepted').length;
      expect(accepted).toBe(server.deliveries.size);
      expect(lines.filter((l) => l.status === 'pending')).toHaveLength(30 - accepted);
      expect(lines.filter((l) => l.status !== 'accepted' && l.status !== 'pending')).toEqual([]);

      server.slowDown(0);
      const rest = await sealpost(args, { env });
      expect(rest.code, rest.stderr).toBe(0);
      expect(server.deliveries.size).toBe(30);
      expect(addresses.every((a) => server.deliveries.get(a) === 1)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('seals per recipient from an .eml template over SMTP; a recipient without a certificate is listed, then sent with --retry-failed', async () => {
    const certificate = makeLocalhostCertificate();
    const smtp = await startSmtpSink(certificate);
    try {
      const ca = join(dir, 'smtp-ca.pem');
      await writeFile(ca, certificate.certPem);
      const keystore = join(dir, 'bulk-keys');
      await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.bob.cert, '--address', pki.bob.email]));
      await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.alice.cert, '--address', pki.alice.email]));
      const csv = join(dir, 'people.csv');
      await writeFile(csv, 'name,email\r\nBjörn,bob@example.com\r\nCarol,carol@example.com\r\n"Alice, herself",alice@example.com\r\n');
      const eml = join(dir, 'letter.eml');
      await writeFile(eml, 'From: Alice <alice@example.com>\nTo: {{name}} <{{email}}>\nSubject: For {{name}}\nContent-Type: text/plain; charset=utf-8\n\nDear {{name}},\nsee you soon.\n');
      const report = join(dir, 'people.jsonl');
      const args = [
        'send',
        '--via',
        'smtp',
        '--smtp-url',
        `smtp://127.0.0.1:${smtp.port}`,
        '--smtp-ca',
        ca,
        '--cert',
        pki.alice.cert,
        '--key',
        pki.alice.key,
        '--keystore',
        keystore,
        '--bulk',
        csv,
        '--template',
        eml,
        '--report',
        report,
      ];

      const first = await sealpost(args);
      expect(first.code).toBe(1);
      expect(first.stderr).toContain('bulk: no certificate for 1 recipient(s), they are not sent to: carol@example.com');
      expect(first.out).toMatch(/^bulk: 2 of 3 recipient\(s\) accepted$/m);
      expect(first.out).toContain('no certificate, not sent: carol@example.com');
      const lines = await reportLines(report);
      expect(lines.map((l) => [l.address, l.status, l.error?.code])).toEqual([
        ['bob@example.com', 'accepted', undefined],
        ['carol@example.com', 'failed', 'ERR_NO_CERTIFICATE'],
        ['alice@example.com', 'accepted', undefined],
      ]);
      // Rows are sent concurrently: the server may receive them in either order.
      expect(smtp.received.map((m) => m.to.join()).sort()).toEqual(['alice@example.com', 'bob@example.com']);
      const toBob = smtp.received.find((m) => m.to.join() === 'bob@example.com')!;
      const opened = await sealpost(['open', '--cert', pki.bob.cert, '--key', pki.bob.key, '--trust', pki.ca], { input: toBob.bytes });
      expect(opened.code, opened.stderr).toBe(0);
      // Signing carried the 8-bit text as base64, so no server on the way can change a signed byte.
      expect(new TextDecoder().decode(decodeBody(parseMime(opened.stdout)))).toBe('Dear Björn,\r\nsee you soon.\r\n');
      expect(opened.out).toContain('To: =?utf-8?B?QmrDtnJu?= <bob@example.com>');

      const noRetry = await sealpost(args);
      expect(noRetry.code).toBe(1);
      expect(noRetry.stderr).toMatch(/^bulk: 0 of 3 recipient\(s\) to send now/);
      expect(smtp.received).toHaveLength(2);

      const other = join(dir, 'other', 'carol@example.com.crt');
      await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', other, '--address', 'carol@example.com']));
      const retried = await sealpost([...args, '--retry-failed']);
      expect(retried.code, retried.stderr + retried.out).toBe(0);
      expect(retried.stderr).toMatch(/^bulk: 1 of 3 recipient\(s\) to send now/);
      const order = smtp.received.map((m) => m.to.join());
      expect([...order.slice(0, 2).sort(), ...order.slice(2)]).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
    } finally {
      await smtp.close();
    }
  });

  it('with --workers 2 sends every recipient exactly one copy, signed per row and encrypted where a certificate is known, and journals each', async () => {
    const certificate = makeLocalhostCertificate();
    const smtp = await startSmtpSink(certificate);
    try {
      const ca = join(dir, 'workers-smtp-ca.pem');
      await writeFile(ca, certificate.certPem);
      const keystore = join(dir, 'workers-keys');
      await expectOk(sealpost(['keys', 'import', '--keystore', keystore, '--cert', pki.bob.cert, '--address', pki.bob.email]));
      const { path: csv, addresses } = await writeCsv('workers.csv', 30);
      const rows = [pki.bob.email, ...addresses];
      await writeFile(csv, ['email,name', ...rows.map((a, i) => `${a},Customer ${i}`)].join('\r\n') + '\r\n');
      const report = join(dir, 'workers.jsonl');
      const args = [
        'send',
        '--via',
        'smtp',
        '--smtp-url',
        `smtp://127.0.0.1:${smtp.port}`,
        '--smtp-ca',
        ca,
        '--cert',
        pki.alice.cert,
        '--key',
        pki.alice.key,
        '--keystore',
        keystore,
        '--missing-certificate',
        'sign-only',
        '--bulk',
        csv,
        ...template(),
        '--report',
        report,
        '--workers',
        '2',
        '--concurrency',
        '4',
        '--no-progress',
      ];

      const run = await sealpost(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.out).toMatch(/^bulk: 31 of 31 recipient\(s\) accepted$/m);
      expect(smtp.received.map((m) => m.to.join()).sort()).toEqual([...rows].sort());

      // The journal: for each address one "sending" on disk before its one "done", accepted.
      const records = await journalRecords(`${report}.journal`);
      for (const address of rows) {
        const mine = records.filter((r) => r.address === address).map((r) => r.event);
        expect(mine, address).toEqual(['sending', 'done']);
      }
      expect((await reportLines(report)).map((l) => [l.address, l.status])).toEqual(rows.map((a) => [a, 'accepted']));

      // Signed in a thread, per row (the body names the row), and encrypted there for Bob.
      const bob = smtp.received.find((m) => m.to.join() === pki.bob.email)!;
      const opened = await sealpost(['open', '--cert', pki.bob.cert, '--key', pki.bob.key, '--trust', pki.ca], { input: bob.bytes });
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stderr).toMatch(/layer 1 \(encrypted\): decrypted[\s\S]*layer 2 \(signed\): valid/);
      expect(opened.out).toContain('Dear Customer 0,');
      const other = smtp.received.find((m) => m.to.join() === addresses[7])!;
      const verified = await sealpost(['verify', '--trust', pki.ca], { input: other.bytes });
      expect(verified.code, verified.out).toBe(0);

      const again = await sealpost(args);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/^bulk: 0 of 31 recipient\(s\) to send now/);
      expect(smtp.received).toHaveLength(31);
    } finally {
      await smtp.close();
    }
  });

  it('with --workers 2, killed half way, the second run sends each remaining one exactly once', async () => {
    const server = await startHoldingSparkPost();
    try {
      const { path: csv, addresses } = await writeCsv('workers-killed.csv', 60);
      const report = join(dir, 'workers-killed.jsonl');
      const journal = `${report}.journal`;
      const env = { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: server.baseUrl };
      const args = ['send', ...signOnly(), '--bulk', csv, ...template(), '--concurrency', '4', '--workers', '2', '--report', report, '--no-progress'];

      server.hold(30, true);
      const first = startSealpost(args, { env });
      await waitFor(async () => {
        const done = (await journalRecords(journal)).filter((r) => r.event === 'done').length;
        return done >= 30 && server.held.length === 4 ? true : undefined;
      }, 'half of the journal to be done with four sends in flight');
      first.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const records = await journalRecords(journal);
      const doneBefore = new Set(records.filter((r) => r.event === 'done').map((r) => r.address));
      const inFlight = records.filter((r) => r.event === 'sending' && !doneBefore.has(r.address)).map((r) => r.address);
      expect(inFlight.sort()).toEqual([...server.held].sort());

      server.answerAll();
      const second = await sealpost(args, { env });
      expect(second.code, second.stderr).toBe(1);
      expect(second.out).toMatch(/^bulk: 56 of 60 recipient\(s\) accepted \(34 outcome\(s\) from earlier runs, not sent again\)$/m);
      expect(server.deliveries.size).toBe(60);
      expect([...server.deliveries.values()].every((n) => n === 1)).toBe(true);
      // Complete: every address has its outcome in the journal, or the "sending" of a copy in doubt.
      const after = await journalRecords(journal);
      for (const address of addresses) {
        const events = after.filter((r) => r.address === address).map((r) => r.event);
        expect(events, address).toEqual(inFlight.includes(address) ? ['sending'] : ['sending', 'done']);
      }
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a CSV that breaks RFC 4180', 'email,name\r\nbob@example.com,Bo"b\r\n', [], /line 2: a double quote inside an unquoted field .*\[ERR_CSV_MALFORMED\]/],
    ['an address twice', 'email\r\nbob@example.com\r\nbob@example.com\r\n', [], /line 3: bob@example.com is already on line 2; each address may appear once \[ERR_CSV_MALFORMED\]/],
    ['a placeholder naming no column', 'email\r\nbob@example.com\r\n', ['--subject', 'Hi {{nmae}}'], /\{\{nmae\}\} names no column of the CSV \(columns: email\) \[ERR_TEMPLATE\]/],
    ['--to with --bulk', 'email\r\nbob@example.com\r\n', ['--to', 'x@example.com'], /--to does not go with --bulk/],
    ['--workers 0', 'email\r\nbob@example.com\r\n', ['--workers', '0'], /--workers takes a number from 1 to 64, not "0" \[ERR_USAGE\]/],
  ])('refuses %s before sending anything (exit 2)', async (_what, csvText, extra, message) => {
    const csv = join(dir, 'bad.csv');
    await writeFile(csv, csvText);
    const result = await sealpost(['send', ...signOnly(), '--bulk', csv, ...template(), '--report', join(dir, 'bad.jsonl'), ...extra], {
      env: { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.out).toBe('');
  });

  it('needs --report, and refuses a journal another run is using', async () => {
    const csv = join(dir, 'one.csv');
    await writeFile(csv, 'email,name\r\nbob@example.com,Bob\r\n');
    const env = { SPARKPOST_API_KEY: API_KEY, SPARKPOST_BASE_URL: 'http://127.0.0.1:9' };
    const noReport = await sealpost(['send', ...signOnly(), '--bulk', csv, ...template()], { env });
    expect(noReport.stderr).toMatch(/--bulk needs --report FILE/);
    const journal = join(dir, 'locked.journal');
    // This test process stands for another sealpost holding the journal.
    await writeFile(`${journal}.lock`, `${process.pid}\n`);
    const locked = await sealpost(['send', ...signOnly(), '--bulk', csv, ...template(), '--report', join(dir, 'locked.jsonl'), '--journal', journal], { env });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(new RegExp(`another sealpost \\(process ${process.pid}\\) is sending with the journal .*locked\\.journal \\[ERR_JOURNAL_LOCKED\\]`));
  });
});
