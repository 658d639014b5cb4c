import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap growth over a run, measured after a full garbage collection so that only what stays
 * reachable counts. `gc` comes from --expose-gc when given, otherwise it is switched on here.
 */
export interface HeapSummary {
  readonly baselineMb: number;
  readonly endMb: number;
  readonly peakMb: number;
  readonly growthMb: number;
  readonly limitMb: number;
  readonly exceeded: boolean;
}

export interface HeapWatch {
  sample(): void;
  summary(): HeapSummary;
}

const MB = 1024 * 1024;

function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export function watchHeap(limitMb: number): HeapWatch {
  const gc = collector();
  const used = (): number => {
    gc();
    return process.memoryUsage().heapUsed / MB;
  };
  const baseline = used();
  let peak = baseline;
  let last = baseline;
  return {
    sample() {
      last = used();
      peak = Math.max(peak, last);
    },
    summary() {
      const growth = last - baseline;
      return { baselineMb: round(baseline), endMb: round(last), peakMb: round(peak), growthMb: round(growth), limitMb, exceeded: growth > limitMb };
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
