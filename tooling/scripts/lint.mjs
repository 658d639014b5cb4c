// Package lint, run from a package directory:
// - runtime-neutral packages ("sealpost": { "runtime": "neutral" } in package.json) import no node:* module
//   and no Node-only global (Buffer, process), except in a `*.node.ts` entry for the `node` export condition;
// - no source file logs through console except the CLI (apps/*), so no key or body can reach a log by accident.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const neutral = pkg.sealpost?.runtime === 'neutral';
const isApp = process.cwd().includes('/apps/');
const problems = [];

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.d\.ts$/.test(name)) yield p;
  }
}

for (const file of sources('src')) {
  const isTest = /\.test\.ts$/.test(file);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${relative(process.cwd(), file)}:${i + 1}`;
    // A `*.node.ts` file is a package's Node entry (the `node` export condition): Node imports belong there.
    if (neutral && !isTest && !/\.node\.ts$/.test(file)) {
      if (/from\s+['"](node:|fs['"]|crypto['"]|path['"]|child_process['"])/.test(line) || /import\(\s*['"]node:/.test(line))
        problems.push(`${where}: node import in a runtime-neutral package`);
      if (/\b(Buffer|process)\./.test(line) && !/^\s*(\/\/|\*)/.test(line))
        problems.push(`${where}: Node-only global in a runtime-neutral package`);
    }
    if (!isApp && !isTest && /\bconsole\.(log|error|warn|info|debug)\(/.test(line))
      problems.push(`${where}: console output in a library`);
  });
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`lint: ${pkg.name} ok${neutral ? ' (runtime-neutral)' : ''}`);
