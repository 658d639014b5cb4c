export { createSmtpTransport, type SmtpTransport } from './transport.js';
export { redactSmtpUrl } from './smtp-url.js';
export type { SmtpAuth, SmtpDkimOptions, SmtpPoolOptions, SmtpRetryOptions, SmtpTimeouts, SmtpTlsPolicy, SmtpTransportOptions } from './options.js';
export type { SmtpErrorDetail } from './send.js';
