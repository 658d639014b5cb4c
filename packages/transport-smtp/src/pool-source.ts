import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ConnectionSource, Lease } from './connection-source.js';
import { openSession, quitSession, type SessionContext } from './session.js';
import { createSlots } from './slots.js';
import { transportClosed } from './transport-closed.js';

interface Pooled {
  readonly connection: SMTPConnection;
  /** Transactions it has carried. */
  transactions: number;
}

export interface PoolLimits {
  readonly maxConnections: number;
  readonly maxMessages: number;
}

/**
 * At most maxConnections connections, each lent to one transaction at a time and replaced after
 * maxMessages transactions. A connection comes back to the pool only after a transaction that
 * ended cleanly; anything else ends it.
 */
export function createPoolSource(context: SessionContext, limits: PoolLimits): ConnectionSource {
  const slots = createSlots(limits.maxConnections);
  const idle: Pooled[] = [];
  const ending = new Set<Promise<void>>();
  let lent = 0;
  let closed = false;
  let drained: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const end = (pooled: Pooled): Promise<void> => {
    const quitting = quitSession(pooled.connection).finally(() => ending.delete(quitting));
    ending.add(quitting);
    return quitting;
  };

  const takeIdle = (): Pooled | undefined => {
    for (let pooled = idle.pop(); pooled !== undefined; pooled = idle.pop()) {
      // The server may have closed it while it waited (an idle timeout).
      if (!pooled.connection.destroyed) return pooled;
    }
    return undefined;
  };

  const lend = (pooled: Pooled, reused: boolean): Lease => {
    lent += 1;
    let released = false;
    return {
      connection: pooled.connection,
      reused,
      release(reusable) {
        if (released) return;
        released = true;
        lent -= 1;
        pooled.transactions += 1;
        const keep = reusable && !closed && !pooled.connection.destroyed && pooled.transactions < limits.maxMessages;
        if (keep) {
          idle.push(pooled);
          slots.give();
        } else {
          // The slot frees up once the old connection is gone, so maxConnections holds at every moment.
          void end(pooled).then(() => slots.give());
        }
        if (closed && lent === 0) drained?.();
      },
    };
  };

  return {
    async acquire(signal): Promise<Lease> {
      if (closed) throw transportClosed();
      await slots.take(signal);
      try {
        const waiting = takeIdle();
        if (waiting !== undefined) return lend(waiting, true);
        return lend({ connection: await openSession(context, signal), transactions: 0 }, false);
      } catch (error) {
        slots.give();
        throw error;
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        slots.failWaiting(transportClosed());
        for (const pooled of idle.splice(0)) void end(pooled);
        if (lent > 0) await new Promise<void>((resolve) => (drained = resolve));
        await Promise.all(ending);
      })();
      return closing;
    },
  };
}
