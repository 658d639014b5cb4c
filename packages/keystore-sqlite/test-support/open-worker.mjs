// Opens fresh store files at agreed instants, so that several of these processes open each file at
// the same moment: argv is <folder> <first instant, ms since the epoch> <files> <gap between them, ms>.
// Prints "opened" per file, or the error code and exits 1.
import { join } from 'node:path';
import { createSqliteKeyStore } from '../dist/index.js';

const [folder, first, files, gap] = process.argv.slice(2);
for (let i = 0; i < Number(files); i++) {
  const at = Number(first) + i * Number(gap);
  while (Date.now() < at) {
    // Spinning, not sleeping: a timer would wake each process at a different moment.
  }
  try {
    const store = createSqliteKeyStore({ path: join(folder, `fresh-${i}.db`), busyTimeoutMs: 20_000 });
    await store.close();
    process.stdout.write('opened\n');
  } catch (error) {
    process.stderr.write(`${error?.detail?.code ?? error?.code ?? error}\n`);
    process.exit(1);
  }
}
