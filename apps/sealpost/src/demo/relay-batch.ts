import { WEBHOOK_TOKEN_HEADER } from '@sealpost/transport-sparkpost';

export interface RelayedMail {
  readonly bytes: Uint8Array;
  readonly from: string;
  readonly to: string;
}

/**
 * A relay-webhook batch as SparkPost POSTs it: a JSON array of `msys.relay_message` objects, the raw
 * message in `content.email_rfc822` (base64, flagged, when it is not valid UTF-8).
 */
export function relayBatch(mails: readonly RelayedMail[]): string {
  return JSON.stringify(
    mails.map((mail) => {
      const text = utf8OrNull(mail.bytes);
      return {
        msys: {
          relay_message: {
            content: {
              email_rfc822: text ?? Buffer.from(mail.bytes).toString('base64'),
              email_rfc822_is_base64: text === null,
              headers: [{ From: mail.from }, { To: mail.to }],
              html: '',
              text: '',
              subject: '',
              to: [mail.to],
            },
            customer_id: '1',
            friendly_from: mail.from,
            msg_from: mail.from,
            rcpt_to: mail.to,
            webhook_id: '1',
            protocol: 'smtp',
          },
        },
      };
    }),
  );
}

/** POSTs a batch to a relay-webhook endpoint the way SparkPost does; returns the HTTP status. */
export async function postRelayBatch(url: string, token: string, batch: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [WEBHOOK_TOKEN_HEADER]: token },
    body: batch,
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  return response.status;
}

function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
