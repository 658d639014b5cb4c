import { parentPort, workerData } from 'node:worker_threads';
import { createBackend } from '../backends.js';
import { openKeyStore } from '../keystore.js';
import { selfCertificateOf, sendOptionsOf } from '../send/sender.js';
import { openTransport } from '../send/transports.js';
import { type FromWorker, type SendWorkerData, type ToWorker, errorFrom, workerError } from './send-protocol.js';
import { errorOf, sendRow } from './run.js';
import { type SignatureMemo, createSignatureMemo, signingOnce } from './signing-once.js';

/**
 * A thread of a bulk run (send-pool.ts): seals and sends the rows the main thread hands it, with a
 * backend, key store and transport of its own. The main thread keeps the journal: before this thread's
 * transport has a message, the "sending" record is on disk there. Signatures are asked of the main
 * thread's memo, so each distinct content is signed once in the whole run.
 *
 * The sender's identity (with its private key) comes in workerData: in memory, never argv, the
 * environment or a file. The transport's secrets are read from this thread's copy of the environment,
 * as the main thread reads them. No message sent back carries anything of a key.
 */

const port = parentPort!;
const { flags, identity, concurrency } = workerData as SendWorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

/** Replies the main thread owes this thread, by request number. */
const sendingAcks = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
const signatureAnswers = new Map<number, (answer: ToWorker) => void>();
let asks = 0;

/**
 * The signatures this thread has, in front of the main thread's memo: its signature when there is
 * one, else this thread signs and tells it. After the first row of a content, no message is needed.
 */
const known = createSignatureMemo();
const memo: SignatureMemo = { get: (key, sign) => known.get(key, () => askMainThread(key, sign)) };

async function askMainThread(key: string, sign: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const ask = asks++;
  const answer = await new Promise<ToWorker>((resolve) => {
    signatureAnswers.set(ask, resolve);
    post({ kind: 'signature?', ask, key });
  });
  if (answer.kind === 'signature') return answer.cms;
  try {
    const cms = await sign();
    post({ kind: 'signed', key, cms });
    return cms;
  } catch (error) {
    post({ kind: 'sign-failed', key });
    throw error;
  }
}

try {
  const backend = signingOnce(await createBackend(flags.backend), identity, memo);
  const opened = await openTransport(flags, concurrency);
  const keystore = flags.keystore === undefined ? undefined : await openKeyStore(flags.keystore);
  const sendOptions = sendOptionsOf(flags);
  const selfCertificate = await selfCertificateOf(flags);
  port.on('message', (message: ToWorker) => {
    switch (message.kind) {
      case 'row': {
        const { id, recipient } = message;
        const journal = { sending: () => sendingRecorded(id) };
        sendRow(recipient, message.message, { journal, backend, transport: opened.transport, keystore, identity, selfCertificate, sendOptions }).then(
          (outcome) => post({ kind: 'row', id, outcome }),
          // sendRow reports every failure of send() itself; this is anything before it, so nothing was sent.
          (error: unknown) => post({ kind: 'row', id, outcome: { address: recipient.address, line: recipient.line, status: 'failed', signed: false, encrypted: false, error: errorOf(error) } }),
        );
        return;
      }
      case 'sending-ok':
        sendingAcks.get(message.id)?.resolve();
        sendingAcks.delete(message.id);
        return;
      case 'sending-failed':
        sendingAcks.get(message.id)?.reject(errorFrom(message.error));
        sendingAcks.delete(message.id);
        return;
      case 'signature':
      case 'sign-it':
        signatureAnswers.get(message.ask)?.(message);
        signatureAnswers.delete(message.ask);
        return;
      case 'close':
        void Promise.allSettled([opened.transport.close?.(), keystore?.close?.()]).then(() => {
          post({ kind: 'closed' });
          port.close();
        });
        return;
    }
  });
  post({ kind: 'ready' });
} catch (error) {
  post({ kind: 'failed', error: workerError(error) });
  port.close();
}

/** Resolves once the main thread has the "sending" record of row `id` on disk. */
function sendingRecorded(id: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    sendingAcks.set(id, { resolve, reject });
    post({ kind: 'sending', id });
  });
}
