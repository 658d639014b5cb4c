/** What nodemailer puts on its errors, read defensively (any field may be missing). */
export interface SmtpFailure {
  readonly message: string;
  /** nodemailer's code: ECONNECTION, ETIMEDOUT, ETLS, EAUTH, EENVELOPE, EMESSAGE, ... */
  readonly code: string | undefined;
  /** The Node.js code underneath (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  readonly originalCode: string | undefined;
  /** A 4xx or 5xx SMTP reply code, when the failure is a server reply. */
  readonly replyCode: number | undefined;
  readonly response: string | undefined;
  readonly command: string | undefined;
  readonly timeoutType: string | undefined;
  readonly recipient: string | undefined;
  readonly rejected: readonly SmtpFailure[];
}

export function smtpFailureOf(error: unknown): SmtpFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  return {
    message: text('message') ?? String(error),
    code: text('code'),
    originalCode: text('originalCode'),
    replyCode: responseCode !== undefined && responseCode >= 400 && responseCode < 600 ? responseCode : undefined,
    response: text('response'),
    command: text('command'),
    timeoutType: text('timeoutType'),
    recipient: text('recipient'),
    rejected: Array.isArray(e.rejectedErrors) ? e.rejectedErrors.map(smtpFailureOf) : [],
  };
}

/** The three-digit code at the start of a reply line, when there is one. */
export function replyCodeOf(response: string | undefined): number | undefined {
  const match = /^([2-5]\d\d)[ -]/.exec(response ?? '');
  return match === null ? undefined : Number(match[1]);
}

// Node.js and OpenSSL codes for a handshake or certificate failure, as nodemailer passes them on.
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ALTNAME|EPROTO/;

export function isTlsFailure(failure: SmtpFailure): boolean {
  return failure.code === 'ETLS' || (failure.originalCode !== undefined && TLS_CODE.test(failure.originalCode));
}
