import { SealpostError, normalizeAddress } from '@sealpost/core';
import type { SendRequest } from '@sealpost/core';
import { messageText } from './message-text.js';
import type { ResolvedOptions } from './options.js';

/** The request body of POST /api/v1/transmissions for raw RFC 822 content. */
export interface TransmissionPayload {
  readonly options: {
    readonly open_tracking: boolean;
    readonly click_tracking: boolean;
    readonly transactional?: boolean;
    readonly sandbox?: boolean;
  };
  readonly recipients: readonly { readonly address: { readonly email: string } }[];
  readonly content: { readonly email_rfc822: string };
  readonly campaign_id?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly return_path?: string;
}

/**
 * Envelope recipients, each once. SparkPost takes them as RCPT TO only: it builds no To header for
 * raw content, so the message keeps its own To/Cc and Bcc stays out of it.
 */
export function envelopeRecipients(to: readonly string[]): string[] {
  if (!Array.isArray(to) || to.length === 0) throw new TypeError('send: envelope.to must list at least one address');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const address of to) {
    const normalized = typeof address === 'string' ? normalizeAddress(address) : null;
    if (normalized === null) throw new SealpostError('ERR_ADDRESS_MALFORMED', 'an envelope recipient is not an e-mail address');
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    out.push(normalized);
  }
  return out;
}

function assertTrackingAllowed(options: ResolvedOptions, sealed: boolean): void {
  if (sealed && (options.tracking.open || options.tracking.click))
    throw new SealpostError('ERR_INVALID_ARGUMENT', 'tracking would rewrite signed/encrypted content; it cannot be enabled for sealed messages');
}

export function transmissionPayload(request: SendRequest, recipients: readonly string[], options: ResolvedOptions): TransmissionPayload {
  const sealed = request.sealed === true;
  assertTrackingAllowed(options, sealed);
  const transactional = options.transactional ?? (sealed ? true : undefined);
  return {
    options: {
      // Always explicit: SparkPost's own default turns both on.
      open_tracking: options.tracking.open,
      click_tracking: options.tracking.click,
      ...(transactional === undefined ? {} : { transactional }),
      ...(options.sandbox === undefined ? {} : { sandbox: options.sandbox }),
    },
    recipients: recipients.map((email) => ({ address: { email } })),
    content: { email_rfc822: messageText(request.message, sealed, options.maxMessageBytes) },
    ...(options.campaignId === undefined ? {} : { campaign_id: options.campaignId }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.returnPath === undefined ? {} : { return_path: options.returnPath }),
  };
}
