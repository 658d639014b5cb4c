import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { TlsCertificate } from './tls-certificate.js';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message exactly as the server stored it (dot-stuffing undone). */
  readonly bytes: Uint8Array;
  /** The session was protected by TLS (STARTTLS) when the message came. */
  readonly secure: boolean;
  /** Who logged in, when the server asks for a login. */
  readonly user: string | undefined;
}

export interface SmtpSinkOptions {
  /** user -> password: with it the server requires a login (over TLS only), as a submission server does. */
  readonly users?: Readonly<Record<string, string>>;
}

export interface SmtpSink {
  readonly port: number;
  readonly received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A local SMTP server (the smtp-server library) on 127.0.0.1 that offers STARTTLS with `certificate`,
 * refuses mail over a session that did not start TLS, and keeps every message it accepts.
 */
export async function startSmtpSink(certificate: TlsCertificate, options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const users = options.users;
  const received: ReceivedMail[] = [];
  let counter = 0;
  const server = new SMTPServer({
    key: certificate.keyPem,
    cert: certificate.certPem,
    secure: false,
    authOptional: users === undefined,
    disabledCommands: users === undefined ? ['AUTH'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      const expected = auth.username === undefined ? undefined : users?.[auth.username];
      if (expected !== undefined && auth.password === expected) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    disableReverseLookup: true,
    logger: false,
    onMailFrom(_address, session, callback) {
      // What a submission server does: no mail over a session an eavesdropper could read.
      if (!session.secure) callback(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          bytes: new Uint8Array(Buffer.concat(chunks)),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        counter += 1;
        callback(null, `Message queued as DEMO${String(counter).padStart(4, '0')}`);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // A client that kept its connection open must not hold the demo up.
        for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}
