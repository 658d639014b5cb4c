import { certificateToCollect, toHex, validSigner } from '@sealpost/core';
import type { KeyStore, Sealpost, VerifyReport } from '@sealpost/core';
import type { RelayMessage } from '../relay/parse.js';
import type { MessageEvent } from './events.js';
import { isFinalRefusal, storeErrorCode } from './store-failure.js';

export interface CollectContext {
  readonly sealpost: Sealpost;
  readonly keystore: KeyStore;
  readonly trustAnchors: readonly Uint8Array[];
  readonly now: () => Date;
  readonly source: string;
}

const MAX_MESSAGE_ID = 200;

function messageIdOf(relay: RelayMessage): string | null {
  for (const header of relay.content.headers) {
    for (const [name, value] of Object.entries(header)) {
      if (name.toLowerCase() === 'message-id') return value.length > MAX_MESSAGE_ID ? `${value.slice(0, MAX_MESSAGE_ID)}...` : value;
    }
  }
  return null;
}

function findingCodes(report: VerifyReport): string[] {
  return [...new Set(report.errors.map((e) => e.code))];
}

/**
 * Verifies one relayed message and, only when core says `valid`, puts the signer's certificate into
 * the key store. Every other verdict stores nothing, so an untrusted certificate can never take the
 * place of a trusted one. A store refusal that no retry can change is `not-storable`; any other store
 * failure is `store-failed`, which makes the batch be delivered again.
 */
export async function collectMessage(ctx: CollectContext, relay: RelayMessage, index: number): Promise<MessageEvent> {
  const { backend } = ctx.sealpost;
  const sha256 = toHex(await backend.digest({ algorithm: 'sha-256', data: relay.message }));
  const base = { type: 'message', index, sha256, messageId: messageIdOf(relay) } as const;
  const now = ctx.now();
  let report: VerifyReport;
  try {
    report = await ctx.sealpost.verify(relay.message, { trustAnchors: ctx.trustAnchors, now });
  } catch {
    return { ...base, from: null, verdict: 'unreadable', outcome: 'not-stored' };
  }
  const event = { ...base, from: report.from, verdict: report.status, findings: findingCodes(report) };
  const signer = validSigner(report);
  const entry = certificateToCollect(report, { source: ctx.source, seenAt: now });
  if (signer === undefined || entry === null) return { ...event, outcome: 'not-stored' };
  try {
    const outcome = await ctx.keystore.put(entry);
    return { ...event, outcome, certificate: signer.certificate?.sha256 ?? '' };
  } catch (error) {
    return { ...event, outcome: isFinalRefusal(error) ? 'not-storable' : 'store-failed', storeError: storeErrorCode(error) };
  }
}
