#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): the root help printed into a pipe or a file is read from
// help.txt before Node sets up its ES module loader, which costs more than printing it. Everything
// else (and the help at a terminal, wrapped to its width by commander) is bundle/main.js, dist/ bundled
// by bundle.mjs at build time.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const EXIT_OK = 0;
const EXIT_USAGE = 2;

/** `sealpost`, `--help`, `-h` and `help`, with the exit status commander gives each; undefined for the rest. */
function staticHelp(args) {
  if (args.length === 0) return process.stderr.isTTY === true ? undefined : writeHelp(process.stderr, EXIT_USAGE);
  if (args.length > 1 || process.stdout.isTTY === true) return undefined;
  if (args[0] === '-h' || args[0] === '--help') return writeHelp(process.stdout, EXIT_OK);
  // The help command shows the same text; commander counts it a usage error like a missing command.
  if (args[0] === 'help') return writeHelp(process.stdout, EXIT_USAGE);
  return undefined;
}

function writeHelp(stream, status) {
  // A reader that goes away (`sealpost --help | head -1`) must not crash Node with a stack trace.
  stream.on('error', () => undefined);
  stream.write(readFileSync(join(__dirname, 'help.txt'), 'utf8'));
  return status;
}

const status = staticHelp(process.argv.slice(2));
if (status === undefined) {
  // Node 22.1 and later keep V8's compiled code of the bundle on disk (in os.tmpdir()/node-compile-cache,
  // or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): about a quarter of a command's start.
  // It holds code only. Node 20 has no such cache, and skips this.
  require('node:module').enableCompileCache?.();
  import('../bundle/main.js');
} else process.exitCode = status;
