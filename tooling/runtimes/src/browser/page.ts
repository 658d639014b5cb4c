// The page: runs the round trips in the page itself, or hands them to a dedicated module worker. The test
// calls window.sealpostRuntimes.run(where, fixtures JSON) and gets `{ results }` or `{ error }` as JSON.
import type { FixturesJson } from '../fixtures.js';
import { runInThisContext } from './backends.js';

type Where = 'page' | 'worker';

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function inWorker(fixtures: string): Promise<string> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const answer = new Promise<string>((resolve) => {
    worker.onmessage = (event: MessageEvent<string>) => resolve(event.data);
    worker.onerror = (event) => resolve(JSON.stringify({ error: `worker failed: ${event.message}` }));
  });
  worker.postMessage(fixtures);
  return answer.finally(() => worker.terminate());
}

async function inPage(fixtures: string): Promise<string> {
  try {
    return JSON.stringify({ results: await runInThisContext(JSON.parse(fixtures) as FixturesJson), hasDocument: typeof document !== 'undefined' });
  } catch (error) {
    return JSON.stringify({ error: describe(error) });
  }
}

declare global {
  interface Window {
    sealpostRuntimes: { run(where: Where, fixtures: string): Promise<string> };
  }
}

window.sealpostRuntimes = { run: (where, fixtures) => (where === 'worker' ? inWorker(fixtures) : inPage(fixtures)) };
document.getElementById('state')!.textContent = 'ready';
