import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecipientOutcome } from '../send/send-report.js';
import { openJournal } from './journal.js';
import { planRun } from './plan.js';
import type { BulkRecipient } from './recipients.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const outcome = (address: string, status: RecipientOutcome['status']): RecipientOutcome => ({ address, status, signed: true, encrypted: false });
const recipient = (address: string, line: number): BulkRecipient => ({ address, line, fields: { email: address } });

describe('openJournal', () => {
  it('reads back outcomes and sends that never got one', async () => {
    const path = join(dir, 'j');
    const journal = await openJournal(path);
    await journal.sending('a@example.com', 2);
    await journal.done(outcome('a@example.com', 'accepted'));
    await journal.sending('b@example.com', 3);
    await journal.done(outcome('c@example.com', 'failed'));
    await journal.close();
    const again = await openJournal(path);
    expect([...again.state.outcomes.keys()]).toEqual(['a@example.com', 'c@example.com']);
    expect(again.state.outcomes.get('a@example.com')?.status).toBe('accepted');
    expect([...again.state.unresolved]).toEqual(['b@example.com']);
    await again.close();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(lines.map((l) => l.event)).toEqual(['run', 'sending', 'done', 'sending', 'done', 'run']);
  });

  it('drops a last record cut short by a crash, and nothing else', async () => {
    const path = join(dir, 'j');
    const journal = await openJournal(path);
    await journal.sending('a@example.com', 2);
    await journal.close();
    await appendFile(path, '{"event":"done","address":"a@exa');
    const again = await openJournal(path);
    expect([...again.state.unresolved]).toEqual(['a@example.com']);
    await again.done(outcome('a@example.com', 'unknown'));
    await again.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('a@exa"');
    expect(
      text
        .trim()
        .split('\n')
        .every((l) => JSON.parse(l) !== null),
    ).toBe(true);
  });

  it('refuses a damaged record in the middle rather than guess', async () => {
    const path = join(dir, 'j');
    await writeFile(path, '{"event":"run","at":"x","pid":1}\nnot json\n{"event":"run","at":"x","pid":1}\n');
    await expect(openJournal(path)).rejects.toMatchObject({ code: 'ERR_JOURNAL', message: expect.stringContaining('line 2') });
  });

  it('is refused while another process holds it, and a lock left by a process that is gone is taken over', async () => {
    const path = join(dir, 'j');
    const first = await openJournal(path);
    expect((await readFile(`${path}.lock`, 'utf8')).trim()).toBe(String(process.pid));
    await first.close();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(`${path}.lock`, `${other.pid}\n`);
      await expect(openJournal(path)).rejects.toMatchObject({ code: 'ERR_JOURNAL_LOCKED', message: expect.stringContaining(`process ${other.pid}`) });
    } finally {
      other.kill('SIGKILL');
    }
    const gone = await deadPid();
    await writeFile(`${path}.lock`, `${gone}\n`);
    const second = await openJournal(path);
    await second.close();
  });

  it('flushes concurrent records together and resolves each once it is written', async () => {
    const path = join(dir, 'j');
    const journal = await openJournal(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => journal.sending(`r${i}@example.com`, i + 2)));
    const text = await readFile(path, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(51);
    await journal.close();
  });
});

describe('planRun', () => {
  const list = ['ok', 'unk', 'lost', 'rej', 'new'].map((n, i) => recipient(`${n}@example.com`, i + 2));
  const state = {
    outcomes: new Map([
      ['ok@example.com', outcome('ok@example.com', 'accepted')],
      ['unk@example.com', outcome('unk@example.com', 'unknown')],
      ['rej@example.com', outcome('rej@example.com', 'rejected')],
    ]),
    unresolved: new Set(['lost@example.com']),
  };

  it('sends only the new ones by default; unknown outcomes are kept, not resent', () => {
    const plan = planRun(list, state, { resendUnknown: false, retryFailed: false });
    expect(plan.map((d) => `${d.recipient.address}:${d.kind}`)).toEqual(['ok@example.com:keep', 'unk@example.com:keep', 'lost@example.com:keep', 'rej@example.com:keep', 'new@example.com:send']);
    const lost = plan[2]!;
    expect(lost.kind === 'keep' && lost.outcome.status).toBe('unknown');
    expect(lost.kind === 'keep' && lost.outcome.error?.message).toMatch(/--resend-unknown/);
  });

  it('--resend-unknown sends the unknown ones again, --retry-failed the undelivered ones; accepted never', () => {
    const kinds = (rules: { resendUnknown: boolean; retryFailed: boolean }): string[] => planRun(list, state, rules).map((d) => d.kind);
    expect(kinds({ resendUnknown: true, retryFailed: false })).toEqual(['keep', 'send', 'send', 'keep', 'send']);
    expect(kinds({ resendUnknown: false, retryFailed: true })).toEqual(['keep', 'keep', 'keep', 'send', 'send']);
  });
});

/** The id of a process that has just exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}
