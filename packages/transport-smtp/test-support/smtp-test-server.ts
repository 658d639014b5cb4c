import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { ServerCertificate } from './test-certificates.js';

/** A reply the test server gives instead of accepting. */
export interface TestReply {
  readonly code: number;
  readonly message: string;
}

/** What the server does with the message once DATA has started. */
export type DataBehaviour =
  | { readonly kind: 'accept' }
  | { readonly kind: 'reply'; readonly reply: TestReply }
  /** Closes the connection without a reply, after the whole message (with its final dot) arrived. */
  | { readonly kind: 'drop-after-message' }
  /** Closes the connection without a reply as soon as the first bytes of the message arrive. */
  | { readonly kind: 'drop-mid-message' }
  /** Never replies (for abort tests). */
  | { readonly kind: 'hang' };

export interface TestServerOptions {
  /** Certificate for STARTTLS (or for implicit TLS with `implicitTls`). Without it, no TLS. */
  readonly certificate?: ServerCertificate;
  readonly implicitTls?: boolean;
  /** Do not offer STARTTLS. */
  readonly hideStartTls?: boolean;
  /**
   * A reply instead of the 220 greeting (e.g. 421, service not available: the server then closes the
   * connection, RFC 5321 3.8); CONNECTION counts connections from 1.
   */
  readonly greeting?: (connection: number) => TestReply | undefined;
  /** user -> password; without it AUTH is neither offered nor required. */
  readonly users?: Readonly<Record<string, string>>;
  readonly authMethods?: readonly ('PLAIN' | 'LOGIN')[];
  /** Reply for MAIL FROM ('drop': close without one); TRANSACTION counts MAIL FROM commands from 1. */
  readonly mailFrom?: (transaction: number) => TestReply | 'drop' | undefined;
  /**
   * Reply for RCPT TO ('drop': close the connection without one); SEEN is how many times this
   * address was given, this one included.
   */
  readonly rcptTo?: (address: string, seen: number) => TestReply | 'drop' | undefined;
  /** DATA_NUMBER counts messages whose data started, from 1. */
  readonly data?: (dataNumber: number) => DataBehaviour;
  /** Largest message announced with SIZE. */
  readonly size?: number;
}

export interface ReceivedMessage {
  readonly from: string;
  readonly to: readonly string[];
  /** The message bytes as the server stored them (dot-stuffing undone). */
  readonly bytes: Buffer;
  readonly secure: boolean;
  readonly user: string | undefined;
}

export interface TestServer {
  readonly port: number;
  /** Messages the server accepted (answered 250 after DATA). */
  readonly received: ReceivedMessage[];
  /** Envelopes of every transaction that reached DATA, accepted or not. */
  readonly dataEnvelopes: { from: string; to: string[] }[];
  readonly counts: { connections: number; maxConcurrent: number; mailFrom: number; auth: number; rcpt: number };
  /** Connections currently open. */
  open(): number;
  /** Closes every open connection (as an idle timeout would); the server keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

function replyError(reply: TestReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A real SMTP server (the smtp-server library) on 127.0.0.1, scripted per test. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const received: ReceivedMessage[] = [];
  const dataEnvelopes: { from: string; to: string[] }[] = [];
  const counts = { connections: 0, maxConcurrent: 0, mailFrom: 0, auth: 0, rcpt: 0 };
  const seen = new Map<string, number>();
  let live = 0;
  let dataNumber = 0;
  const tls = options.certificate === undefined ? {} : { key: options.certificate.keyPem, cert: options.certificate.certPem };

  const serverOptions: SMTPServerOptions = {
    ...tls,
    secure: options.implicitTls === true,
    hideSTARTTLS: options.hideStartTls === true || options.certificate === undefined,
    disabledCommands: [...(options.certificate === undefined ? ['STARTTLS'] : []), ...(options.users === undefined ? ['AUTH'] : [])],
    authOptional: options.users === undefined,
    authMethods: [...(options.authMethods ?? ['PLAIN', 'LOGIN'])],
    disableReverseLookup: true,
    logger: false,
    ...(options.size === undefined ? {} : { size: options.size }),
    onConnect(_session, callback) {
      counts.connections += 1;
      live += 1;
      counts.maxConcurrent = Math.max(counts.maxConcurrent, live);
      const refusal = options.greeting?.(counts.connections);
      callback(refusal === undefined ? undefined : replyError(refusal));
    },
    onClose() {
      live -= 1;
    },
    onAuth(auth, _session, callback) {
      counts.auth += 1;
      const expected = auth.username === undefined ? undefined : options.users?.[auth.username];
      if (expected !== undefined && auth.password === expected) callback(null, { user: auth.username });
      else callback(replyError({ code: 535, message: 'Authentication credentials invalid' }));
    },
    onMailFrom(_address, session, callback) {
      counts.mailFrom += 1;
      const reply = options.mailFrom?.(counts.mailFrom);
      if (reply === 'drop') destroyConnection(server, session);
      else callback(reply === undefined ? undefined : replyError(reply));
    },
    onRcptTo(address, session, callback) {
      counts.rcpt += 1;
      const count = (seen.get(address.address) ?? 0) + 1;
      seen.set(address.address, count);
      const reply = options.rcptTo?.(address.address, count);
      if (reply === 'drop') destroyConnection(server, session);
      else callback(reply === undefined ? undefined : replyError(reply));
    },
    onData(stream, session, callback) {
      dataNumber += 1;
      const behaviour = options.data?.(dataNumber) ?? { kind: 'accept' };
      const envelope = envelopeOf(session);
      dataEnvelopes.push(envelope);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (behaviour.kind === 'drop-mid-message' && chunks.length === 0) destroyConnection(server, session);
        chunks.push(chunk);
      });
      stream.on('end', () => {
        switch (behaviour.kind) {
          case 'accept':
            received.push({ ...envelope, bytes: Buffer.concat(chunks), secure: session.secure, user: session.user as string | undefined });
            callback(null, 'Message queued as TEST' + String(dataNumber).padStart(4, '0'));
            return;
          case 'reply':
            callback(replyError(behaviour.reply));
            return;
          case 'drop-after-message':
            destroyConnection(server, session);
            return;
          case 'drop-mid-message':
          case 'hang':
            return;
        }
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    dataEnvelopes,
    counts,
    open: () => live,
    dropConnections: () => {
      for (const connection of server.connections) connection._socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function envelopeOf(session: SMTPServerSession): { from: string; to: string[] } {
  const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
  return { from, to: session.envelope.rcptTo.map((r) => r.address) };
}

function destroyConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const connection of server.connections) if (connection.session.id === session.id) connection._socket.destroy();
}

/** Accepts TCP connections and never says a word: for greeting timeouts. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
