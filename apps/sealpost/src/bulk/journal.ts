import { type FileHandle, open, readFile, truncate, unlink } from 'node:fs/promises';
import { CliError } from '../errors.js';
import type { RecipientOutcome } from '../send/send-report.js';

/**
 * What a journal says about earlier runs: the last outcome recorded for each address, and the
 * addresses whose send started ("sending" was recorded) but whose outcome never was: the process
 * stopped while the transport had the message, so nobody knows whether it went out.
 */
export interface JournalState {
  readonly outcomes: ReadonlyMap<string, RecipientOutcome>;
  readonly unresolved: ReadonlySet<string>;
}

export interface Journal {
  readonly path: string;
  /** The state as read when the journal was opened. */
  readonly state: JournalState;
  /** Recorded, and on disk (fsync), before the transport is handed the message. */
  sending(address: string, line: number): Promise<void>;
  /** Recorded, and on disk, once the outcome is known. */
  done(outcome: RecipientOutcome): Promise<void>;
  close(): Promise<void>;
}

type JournalRecord =
  | { readonly event: 'run'; readonly at: string; readonly pid: number }
  | { readonly event: 'sending'; readonly at: string; readonly address: string; readonly line: number }
  | { readonly event: 'done'; readonly at: string; readonly address: string; readonly outcome: RecipientOutcome };

/**
 * Opens (or creates) the journal of a bulk send, append-only JSON lines. A last line cut short by a
 * crash is dropped; any other unreadable line is an error, since guessing could send twice. A lock
 * file beside the journal keeps a second run from using it at the same time.
 */
export async function openJournal(path: string): Promise<Journal> {
  const release = await lockJournal(path);
  try {
    const state = await readJournal(path);
    const handle = await openForAppend(path);
    const writer = groupCommit(handle, path);
    await writer.append({ event: 'run', at: now(), pid: process.pid });
    return {
      path,
      state,
      sending: (address, line) => writer.append({ event: 'sending', at: now(), address, line }),
      done: (outcome) => writer.append({ event: 'done', at: now(), address: outcome.address, outcome }),
      async close() {
        await writer.drain();
        await handle.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function readJournal(path: string): Promise<JournalState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outcomes: new Map(), unresolved: new Set() };
    throw new CliError('ERR_JOURNAL', `cannot read the journal ${path}`, { cause: error });
  }
  const complete = text.lastIndexOf('\n') + 1;
  // Only the final record can be torn (every record is flushed before the next is written).
  if (complete < text.length) await truncate(path, Buffer.byteLength(text.slice(0, complete)));
  return stateOf(text.slice(0, complete), path);
}

function stateOf(text: string, path: string): JournalState {
  const outcomes = new Map<string, RecipientOutcome>();
  const unresolved = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const record = parseRecord(line, path, i + 1);
    if (record.event === 'sending') unresolved.add(record.address);
    if (record.event === 'done') {
      unresolved.delete(record.address);
      outcomes.set(record.address, record.outcome);
    }
  });
  return { outcomes, unresolved };
}

function parseRecord(line: string, path: string, number: number): JournalRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CliError('ERR_JOURNAL', `journal ${path}, line ${number}: not a journal record; not sending anything rather than guess`);
  }
  const r = value as Partial<Record<string, unknown>>;
  const ok =
    r['event'] === 'run' ||
    (r['event'] === 'sending' && typeof r['address'] === 'string') ||
    (r['event'] === 'done' && typeof r['address'] === 'string' && typeof (r['outcome'] as { status?: unknown } | undefined)?.status === 'string');
  if (!ok) throw new CliError('ERR_JOURNAL', `journal ${path}, line ${number}: not a journal record; not sending anything rather than guess`);
  return value as JournalRecord;
}

async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a', 0o600);
  } catch (error) {
    throw new CliError('ERR_JOURNAL', `cannot write the journal ${path}`, { cause: error });
  }
}

interface Writer {
  append(record: JournalRecord): Promise<void>;
  drain(): Promise<void>;
}

/**
 * Appends records and flushes them to disk; records that arrive while a flush is running go out
 * together in the next one (one fsync for many concurrent sends). Each promise resolves only once its
 * record is on disk.
 */
function groupCommit(handle: FileHandle, path: string): Writer {
  let queue: { text: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await handle.appendFile(batch.map((b) => b.text).join(''));
        await handle.datasync();
        for (const b of batch) b.resolve();
      } catch (error) {
        const failure = new CliError('ERR_JOURNAL', `cannot write the journal ${path}`, { cause: error });
        for (const b of batch) b.reject(failure);
      }
    }
    running = undefined;
  };
  return {
    append(record) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ text: `${JSON.stringify(record)}\n`, resolve, reject });
        running ??= flush();
      });
    },
    async drain() {
      while (running !== undefined) await running;
    },
  };
}

/** Takes `PATH.lock` (holding this process's id); a lock left by a process that is gone is taken over. */
async function lockJournal(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => unlink(lock).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError('ERR_JOURNAL', `cannot create the journal lock ${lock}`, { cause: error });
      const holder = await lockHolder(lock);
      if (holder === null) throw new CliError('ERR_JOURNAL_LOCKED', `the journal lock ${lock} names no process; remove it if no sealpost is running`);
      if (processAlive(holder)) throw new CliError('ERR_JOURNAL_LOCKED', `another sealpost (process ${holder}) is sending with the journal ${path}`);
      await unlink(lock).catch(() => undefined);
    }
  }
  throw new CliError('ERR_JOURNAL_LOCKED', `the journal lock ${lock} keeps coming back; is another sealpost starting?`);
}

async function lockHolder(lock: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(lock, 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function now(): string {
  return new Date().toISOString();
}
