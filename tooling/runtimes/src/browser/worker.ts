// A dedicated module worker: the same round trips with the worker's own WebCrypto, and no DOM.
import type { FixturesJson } from '../fixtures.js';
import { runInThisContext } from './backends.js';

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    const results = await runInThisContext(JSON.parse(event.data) as FixturesJson);
    self.postMessage(JSON.stringify({ results, hasDocument: typeof document !== 'undefined' }));
  } catch (error) {
    self.postMessage(JSON.stringify({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
  }
};
