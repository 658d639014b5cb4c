import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** A ready connection lent to one transaction. */
export interface Lease {
  readonly connection: SMTPConnection;
  /** It carried a message before: the server may have closed it since. */
  readonly reused: boolean;
  /** Hands the connection back; REUSABLE false (or a one-shot source) ends it. */
  release(reusable: boolean): void;
}

/** Where transactions get their connections: a new one each time, or a pool. */
export interface ConnectionSource {
  acquire(signal: AbortSignal | undefined): Promise<Lease>;
  /** Ends every connection once its transaction is over; later acquires fail. */
  close(): Promise<void>;
}
