/**
 * Process-wide cleanup of what a running operation holds outside the process: its private folder,
 * its openssl child, a key pipe still waiting for its reader. `finally` blocks do not run when the
 * process is killed, so each of these registers a synchronous undo that runs when the process exits
 * (the 'exit' event, which process.exit() from anywhere also fires) or when SIGINT, SIGTERM or SIGHUP
 * would kill it.
 *
 * Signals, and what a host application keeps: the listeners are installed only while something is
 * registered, and on a signal they act only when the host has no listener of its own for it. That is
 * exactly when Node's default would have been to die: the registry then undoes everything, removes its
 * listeners and raises the same signal again, so the process still dies of it (a shell sees 128 + n).
 * A host with its own listener (a server's graceful stop, a CLI's "press again to quit") decides alone:
 * if it exits, the 'exit' undo runs; if it carries on, the operations finish and clean up as usual.
 * Listeners of other Sealpost cleanup registries (a second copy of this package) carry a shared marker
 * and do not count as the host's, so two copies never wait for each other.
 */

type Undo = () => void;
type Entry = { readonly undo: Undo };
type Listener = ((...args: unknown[]) => void) & { readonly [MARKER]?: true };

/** Shared by every copy of every Sealpost package that cleans up on signals. */
const MARKER = Symbol.for('sealpost.cleanup-on-signal');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const entries = new Set<Entry>();
let installed = false;

/**
 * Runs `undo` (synchronous, must not throw usefully) if the process exits or is signalled before the
 * returned function is called. Call the returned function once the resource is released normally.
 */
export function registerCleanup(undo: Undo): () => void {
  const entry: Entry = { undo };
  entries.add(entry);
  install();
  return () => {
    entries.delete(entry);
    if (entries.size === 0) uninstall();
  };
}

/** Newest first, like nested `finally` blocks: a key pipe is released before its folder goes, a child is killed before its folder goes. */
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
  if (typeof signal !== 'string' || hostListens(signal)) return;
  undoAll();
  uninstall();
  // Without listeners the disposition is the default again: the process dies of the signal.
  process.kill(process.pid, signal);
});

function hostListens(signal: string): boolean {
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
