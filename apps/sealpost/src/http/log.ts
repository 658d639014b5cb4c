/** One event of the server's log: a flat object of plain values, never a body, token or key. */
export type LogEvent = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

export type Log = (event: LogEvent) => void;

/** A logger writing one JSON line per event to `stream`, each with the time first. */
export function jsonLineLog(stream: NodeJS.WritableStream, clock: () => Date = () => new Date()): Log {
  return (event) => {
    stream.write(`${JSON.stringify({ time: clock().toISOString(), ...event })}\n`);
  };
}
