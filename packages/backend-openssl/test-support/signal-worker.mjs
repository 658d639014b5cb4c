// Run by src/cleanup.test.ts as a separate Node process (it imports the built package): starts one
// backend operation with a stand-in openssl that hangs, waits until that openssl is running (so the
// operation's private folder exists), then does what argv says: sends itself a signal, or lets the host's
// own SIGINT handler take over, or calls process.exit mid-operation.
//
// argv: binary tempDir sign|decrypt certFile keyFile cmsFile pidFile signal:NAME|host-handler|other-registry|exit
import { existsSync, readFileSync } from 'node:fs';
import { createOpensslBackend } from '../dist/index.js';

const [binary, tempDir, operation, certFile, keyFile, cmsFile, pidFile, action] = process.argv.slice(2);
const certificate = new Uint8Array(readFileSync(certFile));
const privateKey = { type: 'pkcs8', der: new Uint8Array(readFileSync(keyFile)) };
const backend = await createOpensslBackend({ binary, tempDir });

if (action === 'other-registry') {
  // Another Sealpost cleanup registry (the CLI's, or a second copy of this package), installed first:
  // its listener carries the shared marker, so neither takes the other for the host's own handler. It
  // follows the same rule: it acts only when no unmarked listener is there, by removing itself and
  // raising the signal again. Were the two not to recognise each other, both would stand aside.
  const marker = Symbol.for('sealpost.cleanup-on-signal');
  const other = Object.assign(
    (signal) => {
      if (process.listeners('SIGINT').some((listener) => !(marker in listener))) return;
      process.off('SIGINT', other);
      process.kill(process.pid, signal);
    },
    { [marker]: true },
  );
  process.on('SIGINT', other);
}

if (action === 'host-handler') {
  // A host application with its own SIGINT handling: it decides, and here it decides to finish up its way.
  process.on('SIGINT', () => {
    process.stdout.write('host handler ran\n');
    setTimeout(() => process.exit(3), 50);
  });
}

const running =
  operation === 'sign'
    ? backend.sign({ content: new TextEncoder().encode('hello'), detached: true, signers: [{ certificate, privateKey, digest: 'sha-256' }] })
    : backend.decrypt({ cms: new Uint8Array(readFileSync(cmsFile)), certificate, privateKey });
let settled = false;
running
  .then(
    () => process.stdout.write('operation finished\n'),
    (error) => process.stdout.write(`operation failed: ${error.code}\n`),
  )
  .finally(() => (settled = true));

while (!existsSync(pidFile)) {
  if (settled) process.exit(5); // it never reached openssl: nothing to test
  await new Promise((resolve) => setTimeout(resolve, 10));
}
process.stdout.write('openssl running\n');
if (action.startsWith('signal:')) process.kill(process.pid, action.slice('signal:'.length));
else if (action === 'host-handler' || action === 'other-registry') process.kill(process.pid, 'SIGINT');
else if (action === 'exit') process.exit(4);
// Only reached when the process outlived its signal.
setTimeout(() => {
  process.stdout.write('still alive\n');
  process.exit(0);
}, 5000);
