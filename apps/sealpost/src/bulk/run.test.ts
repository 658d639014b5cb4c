import type { SendRequest, SendResult, Transport } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../backends.js';
import { CliError } from '../errors.js';
import type { Journal } from './journal.js';
import { flagTemplate } from './message-template.js';
import { planRun } from './plan.js';
import type { BulkRecipient } from './recipients.js';
import { runBulk } from './run.js';

const ADDRESSES = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
const recipients: BulkRecipient[] = ADDRESSES.map((address, i) => ({ line: i + 2, address, fields: { email: address } }));

describe('runBulk', () => {
  it('starts nothing more once an outcome cannot be journaled, and ends only when the sends in flight have', async () => {
    const handed: string[] = [];
    const done: string[] = [];
    let releaseB: () => void = () => undefined;
    const transport: Transport = {
      name: 'test',
      async send(request: SendRequest): Promise<SendResult> {
        const address = request.envelope.to[0]!;
        handed.push(address);
        if (address === 'b@example.com') await new Promise<void>((resolve) => (releaseB = resolve));
        return { transport: 'test', recipients: [{ address, status: 'accepted' }] };
      },
    };
    const journalFailure = new CliError('ERR_JOURNAL', 'cannot write the journal');
    const journal: Journal = {
      path: 'journal',
      state: { outcomes: new Map(), unresolved: new Set() },
      sending: async () => undefined,
      async done(outcome) {
        done.push(outcome.address);
        if (outcome.address === 'a@example.com') throw journalFailure;
      },
      close: async () => undefined,
    };
    const run = runBulk({
      decisions: planRun(recipients, journal.state, { resendUnknown: false, retryFailed: false }),
      template: flagTemplate({ from: 'alice@example.com', subject: 'Hi', text: 'Hello', html: undefined, attachments: [], columns: ['email'] }),
      journal,
      concurrency: 2,
      backend: await createBackend('pkijs'),
      transport,
      keystore: undefined,
      identity: undefined,
      sendOptions: { sign: false, encrypt: false },
      progress: { tick: () => undefined, finish: () => undefined },
      stop: new AbortController().signal,
    });
    let settled = false;
    const outcome = run.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    void outcome.finally(() => (settled = true));

    await expect.poll(() => done).toEqual(['a@example.com']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // b is still with the transport
    releaseB();
    expect(await outcome).toBe(journalFailure);
    expect(handed).toEqual(['a@example.com', 'b@example.com']);
    expect(done).toEqual(['a@example.com', 'b@example.com']);
  });
});
