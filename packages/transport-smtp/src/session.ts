import { SealpostError } from '@sealpost/core';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { connectionOptionsFor } from './connection-options.js';
import { redactText } from './redact.js';
import type { SmtpSettings } from './settings.js';
import { isTlsFailure, smtpFailureOf } from './smtp-failure.js';
import { AbortedStep, runStep } from './step.js';

/** What opening a session needs: the settings and the secrets to keep out of its errors. */
export interface SessionContext {
  readonly settings: SmtpSettings;
  readonly secrets: readonly string[];
}

/**
 * The server answered the connection, or EHLO/HELO, with a 4xx: it cannot serve right now (421,
 * "Service not available, closing transmission channel", RFC 5321 3.8 and 4.2.2) and the client is to
 * try again later. Nothing of the message was sent, so the caller retries it like a 4xx to a command.
 */
export class SessionDeferred extends Error {
  override readonly name = 'SessionDeferred';
  constructor(
    readonly replyCode: number,
    /** The server's reply, redacted. */
    readonly response: string,
  ) {
    super(response);
  }
}

/** The commands of opening a session whose 4xx means "not now": the greeting (nodemailer's CONN) and EHLO/HELO. */
const OPENING_COMMANDS = new Set(['CONN', 'EHLO', 'HELO']);

/**
 * A connection that has greeted, satisfied the TLS policy and logged in: ready for MAIL FROM.
 * Every failure is a SealpostError, or a SessionDeferred for a 4xx while the session opens; the
 * connection is closed before it is thrown.
 */
export async function openSession(context: SessionContext, signal: AbortSignal | undefined): Promise<SMTPConnection> {
  const { settings } = context;
  const connection = new SMTPConnection(connectionOptionsFor(settings));
  // Failures reach whichever step is waiting; one on an idle pooled connection only ends it, and
  // without a listener Node would turn the 'error' event into an uncaught exception.
  connection.on('error', () => {});
  try {
    await runStep<void>(connection, signal, (done) => connection.connect((error) => done(error)));
    assertTlsPolicy(connection, context);
    if (settings.auth !== undefined) {
      if (!connection.allowsAuth) throw new SealpostError('ERR_TRANSPORT_AUTH', `${where(context)} offers no AUTH, but credentials were given`);
      const { user, pass, method } = settings.auth;
      await runStep<boolean>(connection, signal, (done) => connection.login({ user, pass, ...(method === undefined ? {} : { method }) }, done));
    }
    return connection;
  } catch (error) {
    connection.close();
    throw sessionError(error, context);
  }
}

/** QUIT, then wait (briefly) for the server to close; resolves whatever happens. */
export function quitSession(connection: SMTPConnection): Promise<void> {
  if (connection.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => connection.close(), 5_000);
    timer.unref();
    connection.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    connection.quit();
  });
}

// nodemailer enforces the policy already; this second look means a change there cannot turn into
// a plaintext send or credentials sent in clear.
function assertTlsPolicy(connection: SMTPConnection, context: SessionContext): void {
  const { settings } = context;
  if (settings.tls !== 'opportunistic' && !connection.secure) {
    throw new SealpostError('ERR_TRANSPORT_TLS', `${where(context)}: the connection is not encrypted (tls '${settings.tls}')`);
  }
  if (settings.auth !== undefined && !connection.secure) {
    throw new SealpostError('ERR_TRANSPORT_TLS', `${where(context)} offers no STARTTLS; credentials are never sent over an unencrypted connection`);
  }
}

function sessionError(error: unknown, context: SessionContext): SealpostError | SessionDeferred {
  if (error instanceof SealpostError) return error;
  if (error instanceof AbortedStep) return new SealpostError('ERR_ABORTED', 'SMTP send aborted', { cause: error.reason });
  const failure = smtpFailureOf(error);
  if (failure.replyCode !== undefined && failure.replyCode < 500 && OPENING_COMMANDS.has(failure.command ?? '') && !isTlsFailure(failure))
    return new SessionDeferred(failure.replyCode, redactText(failure.response ?? failure.message, context.secrets));
  const detail = { ...(failure.replyCode === undefined ? {} : { smtpCode: failure.replyCode }), ...(failure.command === undefined ? {} : { command: failure.command }) };
  const reason = redactText(failure.message, context.secrets);
  if (isTlsFailure(failure)) {
    return new SealpostError('ERR_TRANSPORT_TLS', `TLS with ${where(context)} failed (tls '${context.settings.tls}'): ${reason}`, { detail });
  }
  if (failure.code === 'EAUTH') return new SealpostError('ERR_TRANSPORT_AUTH', `${where(context)} refused the credentials: ${reason}`, { detail });
  if (failure.code === 'ETIMEDOUT') return new SealpostError('ERR_TIMEOUT', timeoutMessage(failure.timeoutType, context), { detail });
  if (failure.replyCode !== undefined) return new SealpostError('ERR_TRANSPORT_UNAVAILABLE', `${where(context)} refused the session: ${reason}`, { detail });
  return new SealpostError('ERR_TRANSPORT_UNAVAILABLE', `could not talk to ${where(context)}: ${reason}`, { detail });
}

function timeoutMessage(timeoutType: string | undefined, context: SessionContext): string {
  const { timeouts } = context.settings;
  switch (timeoutType) {
    case 'CONNECT_TIMEOUT':
      return `connecting to ${where(context)} took longer than ${timeouts.connection} ms`;
    case 'GREETING_TIMEOUT':
      return `${where(context)} sent no greeting within ${timeouts.greeting} ms`;
    case 'UPGRADE_TIMEOUT':
      return `the TLS handshake with ${where(context)} took longer than ${timeouts.greeting} ms`;
    default:
      return `${where(context)} sent nothing for ${timeouts.socket} ms`;
  }
}

export function where(context: SessionContext): string {
  return `SMTP server ${context.settings.host}:${context.settings.port}`;
}
