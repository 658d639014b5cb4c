import { describe, expect, it } from 'vitest';
import { runMatrix } from './matrix.js';
import { peersFromSetting } from './peers/peer-list.js';
import { problemsOf } from './problems.js';
import { renderMarkdown } from './render.js';

// The whole matrix: every Sealpost backend and every peer (SEALPOST_INTEROP_PEERS=openssl,nss,gpgsm
// narrows the peers for a local run; unset means all, and a peer whose program is missing fails).

describe('interop matrix', () => {
  it('every producer x consumer x operation gives the expected verdict or a confirmed, explained limit', async () => {
    const peers = peersFromSetting(process.env['SEALPOST_INTEROP_PEERS']);
    const result = await runMatrix({ peers });
    process.stdout.write(`\n${renderMarkdown(result)}\n`);

    const expectedCells = result.operations.length * result.actors.length ** 2;
    expect(result.cells).toHaveLength(expectedCells);
    expect(result.actors.map((a) => a.id)).toEqual(expect.arrayContaining(peers));
    const problems = problemsOf(result);
    expect(problems, `interop matrix problems:\n${problems.join('\n')}`).toEqual([]);
    // Every unsupported cell says who and why, and was tried where there was something to try.
    for (const cell of result.cells.filter((c) => c.status === 'unsupported')) expect(cell.refusals.length).toBeGreaterThan(0);
  }, 300_000);
});
