// What starting one openssl process costs with no work in it: the floor under every operation of the
// openssl backend, which spawns one process per sign, encrypt and decrypt and one per signer to verify.
import { spawn } from 'node:child_process';
import { measure } from './measure.mjs';

export function measureOpensslStart({ iterations, warmup, binary = 'openssl' }) {
  return measure(() => runToExit(binary, ['version']), { iterations, warmup, check: expectExitZero });
}

function runToExit(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'ignore'], shell: false });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

function expectExitZero(code) {
  if (code !== 0) throw new Error(`openssl version exited with ${code}`);
}
