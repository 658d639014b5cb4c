/**
 * One queue per folder for the whole process: every store opened on the same folder, in this process,
 * runs its operations one after the other, so a put never reads a half-saved address or overwrites
 * another put's update. Other processes are not covered (see the README).
 */
const queues = new Map<string, Promise<void>>();

export function inQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
