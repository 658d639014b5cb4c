// Run after `tsc -b` in a package: removes what dist/ still holds for a source file that no longer exists.
// tsc never deletes the output of a removed file (and turbo's cache restores it), so without this a
// package would ship modules, declarations and source maps of code that is gone.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUT = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;

function* outputs(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* outputs(path);
    else yield path;
  }
}

if (existsSync('dist')) {
  for (const file of outputs('dist')) {
    const match = OUTPUT.exec(file.slice('dist/'.length));
    if (match === null) continue;
    const stem = join('src', match[1]);
    if (!['.ts', '.mts', '.tsx'].some((ext) => existsSync(stem + ext))) rmSync(file);
  }
}
