/**
 * What the command leaves on disk while it works (the temporary file of an atomic `--out` write, the
 * demo's private folder) must not outlive it, and `finally` blocks do not run when a signal kills the
 * process. Each such thing registers a synchronous undo here, run when the process exits (also through
 * process.exit()) or when SIGINT, SIGTERM or SIGHUP would kill it.
 *
 * The same rules as @sealpost/backend-openssl's registry (packages/backend-openssl/src/cleanup.ts),
 * whose listeners carry the same shared marker: the listeners exist only while something is registered,
 * and act on a signal only when nothing else listens for it. Then Node would have died: they undo,
 * remove themselves and raise the signal again, so the command still dies of it (exit status 128 + n in
 * a shell). `send --bulk` and `serve` listen for SIGINT and SIGTERM themselves to stop gracefully; during
 * them these listeners stand aside, and the `exit` undo runs when they quit.
 */

type Undo = () => void;
type Entry = { readonly undo: Undo };
type Listener = ((...args: unknown[]) => void) & { readonly [MARKER]?: true };

/** Shared by every Sealpost cleanup registry in the process, so that they never wait for each other. */
const MARKER = Symbol.for('sealpost.cleanup-on-signal');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const entries = new Set<Entry>();
let installed = false;

/** Runs `undo` if the process exits or is signalled before the returned function is called. */
export function cleanupOnSignal(undo: Undo): () => void {
  const entry: Entry = { undo };
  entries.add(entry);
  install();
  return () => {
    entries.delete(entry);
    if (entries.size === 0) uninstall();
  };
}

function undoAll(): void {
  const pending = [...entries].reverse();
  entries.clear();
  for (const entry of pending) {
    try {
      entry.undo();
    } catch {
      // Best effort: the others must still run.
    }
  }
}

const onExit: Listener = marked(() => {
  undoAll();
  uninstall();
});

const onSignal: Listener = marked((signal: unknown) => {
  if (typeof signal !== 'string' || othersListen(signal)) return;
  undoAll();
  uninstall();
  process.kill(process.pid, signal);
});

function othersListen(signal: string): boolean {
  return process.listeners(signal as NodeJS.Signals).some((listener) => !(MARKER in listener));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function marked(listener: (...args: unknown[]) => void): Listener {
  return Object.assign(listener, { [MARKER]: true as const });
}
