import type { SendRequest, SendResult, Transport } from '@sealpost/core';
import type { ConnectionSource } from './connection-source.js';
import { createDkimSigner } from './dkim.js';
import type { SmtpTransportOptions } from './options.js';
import { createPoolSource } from './pool-source.js';
import { secretsOf } from './redact.js';
import { sendWithRetries, TRANSPORT_NAME } from './send.js';
import type { SessionContext } from './session.js';
import { resolveSettings } from './settings.js';
import { createSingleSource } from './single-source.js';
import { transportClosed } from './transport-closed.js';

/** The SMTP Transport: `close()` is always there (it ends pooled connections). */
export interface SmtpTransport extends Transport {
  close(): Promise<void>;
}

/**
 * A Transport that submits messages over SMTP, byte for byte (with `dkim`, after one DKIM-Signature
 * field), with TLS required by default. Options are checked here (TypeError / RangeError, and
 * ERR_DKIM_KEY for a DKIM key that cannot sign); nothing connects until the first send.
 */
export function createSmtpTransport(options: SmtpTransportOptions): SmtpTransport {
  const settings = resolveSettings(options);
  // A bad DKIM key fails here (ERR_DKIM_KEY), before any connection and not at the first send.
  const dkim = options.dkim === undefined ? undefined : createDkimSigner(options.dkim);
  // The settings (and the password in them) stay in this closure: the returned object has none.
  const context: SessionContext = { settings, secrets: secretsOf(settings.auth) };
  const source: ConnectionSource = settings.pool === undefined ? createSingleSource(context) : createPoolSource(context, settings.pool);
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  return {
    name: TRANSPORT_NAME,
    async send(request: SendRequest): Promise<SendResult> {
      if (closed) throw transportClosed();
      const sending = sendWithRetries(request, source, context, dkim);
      const tracked = sending.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      return sending;
    },
    async close(): Promise<void> {
      closed = true;
      // Sends already started finish first, retries included; abort them with their signals to hurry.
      await Promise.all(inFlight);
      await source.close();
    },
  };
}
