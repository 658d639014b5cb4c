// A full garbage collection before each row, so that one row's garbage (a 1 MiB message makes
// megabytes of it) is not collected on the next row's clock. Works without starting Node with --expose-gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

export function collectGarbage() {
  gc();
}
