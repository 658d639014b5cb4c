import type { ConnectionOptions } from 'node:tls';
import type { SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import type { SmtpSettings } from './settings.js';

/** nodemailer's connection options for the TLS policy: the one place the policy becomes settings. */
export function connectionOptionsFor(settings: SmtpSettings): SMTPConnectionOptions {
  const base: SMTPConnectionOptions = {
    host: settings.host,
    port: settings.port,
    connectionTimeout: settings.timeouts.connection,
    greetingTimeout: settings.timeouts.greeting,
    socketTimeout: settings.timeouts.socket,
    // Nothing is logged: a transaction log would hold addresses, and a debug log the message itself.
    logger: false,
    debug: false,
    transactionLog: false,
    ...(settings.name === undefined ? {} : { name: settings.name }),
    ...(settings.servername === undefined ? {} : { servername: settings.servername }),
  };
  switch (settings.tls) {
    case 'require':
      // requireTLS sends STARTTLS even when it is not offered and fails on refusal: no plaintext fallback.
      return { ...base, secure: false, requireTLS: true, ignoreTLS: false, opportunisticTLS: false, tls: verifiedTls(settings) };
    case 'implicit':
      return { ...base, secure: true, tls: verifiedTls(settings) };
    case 'opportunistic':
      // Unverified TLS when offered (RFC 7435): it only keeps out passive listeners, as plaintext would not.
      return { ...base, secure: false, requireTLS: false, ignoreTLS: false, opportunisticTLS: true, tls: { rejectUnauthorized: false } };
  }
}

function verifiedTls(settings: SmtpSettings): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ...(settings.ca === undefined ? {} : { ca: [...settings.ca] }),
    ...(settings.servername === undefined ? {} : { servername: settings.servername }),
  };
}
