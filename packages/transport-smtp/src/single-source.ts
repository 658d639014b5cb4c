import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ConnectionSource, Lease } from './connection-source.js';
import { openSession, quitSession, type SessionContext } from './session.js';
import { transportClosed } from './transport-closed.js';

/** A new connection for every transaction, ended (QUIT) as soon as it is handed back. */
export function createSingleSource(context: SessionContext): ConnectionSource {
  const ending = new Set<Promise<void>>();
  let closed = false;

  const end = (connection: SMTPConnection): void => {
    const quitting = quitSession(connection).finally(() => ending.delete(quitting));
    ending.add(quitting);
  };

  return {
    async acquire(signal): Promise<Lease> {
      if (closed) throw transportClosed();
      const connection = await openSession(context, signal);
      let released = false;
      return {
        connection,
        reused: false,
        release() {
          if (released) return;
          released = true;
          end(connection);
        },
      };
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(ending);
    },
  };
}
