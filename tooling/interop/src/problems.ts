import type { MatrixResult } from './results.js';

/**
 * Everything that makes a run red, one line each: failed and unexpected cells, productions that worked
 * although declared unsupported, controls a consumer accepted, actors that could not be set up.
 */
export function problemsOf(result: MatrixResult): string[] {
  const label = labeller(result);
  const problems: string[] = [];
  for (const actor of result.actors) if (actor.setupError !== null) problems.push(`${actor.label}: setup failed: ${actor.setupError}`);
  for (const cell of result.cells)
    if (cell.status === 'fail' || cell.status === 'unexpected')
      problems.push(`${cell.operation}: ${label(cell.producer)} -> ${label(cell.consumer)}: ${cell.status === 'fail' ? 'FAIL' : 'UNEXPECTED'}: ${cell.detail}`);
  for (const control of result.controls) if (!control.rejected) problems.push(`control ${control.control}: ${label(control.consumer)} accepted it: ${control.detail}`);
  return problems;
}

export function labeller(result: MatrixResult): (id: string) => string {
  const labels = new Map(result.actors.map((a) => [a.id, a.label]));
  return (id) => labels.get(id) ?? id;
}
