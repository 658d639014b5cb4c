import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoBackend, type Identity, pemDecode } from '@sealpost/core';
import { repoRoot, vectorsDir } from '@sealpost/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.js';
import { type Attempt, CURVE25519_OPERATIONS, type Curve25519Operation, normalizeError, type PairOutcome, renderCurve25519Section, sectionOf, withSection } from './curve25519-section.js';

// Ed25519 signatures (RFC 8419) and X25519 key agreement (RFC 8418) between every Sealpost backend and
// BouncyCastle, the one Debian-installable peer that has both in CMS (OpenSSL 3.0's cms has neither, NSS
// 3.87 and gpgsm 2.2 neither): java/SealpostBc.java, compiled here with javac against the Debian jars.
// The RFC 9216 keys: carlos@smime.example signs, dana@smime.example decrypts. Every producer (the backends,
// BouncyCastle, and openssl cms, which is expected to fail) makes each operation once, every consumer reads
// it; the pairs are recorded and docs/interop.md's Ed25519 / X25519 section must show exactly them
// (SEALPOST_WRITE_DOCS=1 rewrites it).

const JARS = ['bcprov', 'bcpkix', 'bcutil'].map((name) => `/usr/share/java/${name}.jar`);
const onPath = (command: string) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
const missing = [...(onPath('javac') && onPath('java') ? [] : ['a JDK (default-jdk-headless)']), ...JARS.filter((jar) => !existsSync(jar)), ...(onPath('openssl') ? [] : ['openssl'])];

const rfc9216 = (name: string) => join(vectorsDir(), 'rfc9216', name);
const der = async (name: string, label: string) => pemDecode(await readFile(rfc9216(name), 'utf8'), label)[0]!;
const content = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nEd25519 and X25519, BouncyCastle and Sealpost.\r\n');
const ED25519_CA = 'Sample_LAMPS_Ed25519_Certification_Authority.selfsigned.pem';
const INTEROP_PAGE = join(repoRoot(), 'docs', 'interop.md');

const BC = 'BouncyCastle';
const OPENSSL = 'OpenSSL cms';
/** The parties known to lack Ed25519 and X25519 in CMS: each of their pairs must fail, and the page says how. */
const LACKING = new Set([OPENSSL]);

/** A peer process that exited non-zero: the command as the page shows it (file names, not temp paths) and its stderr. */
class PeerError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr.split('\n')[0] ?? ''}`);
  }
}

/** A producer's message for one operation, or what stopped it. */
type Made = { readonly cms: Uint8Array } | { readonly error: unknown };

describe.skipIf(missing.length > 0)(`BouncyCastle as an Ed25519 and X25519 peer${missing.length > 0 ? ` (missing: ${missing.join(', ')})` : ''}`, () => {
  let dir: string;
  let carlos: Identity;
  let dana: Identity;
  let ca: Uint8Array;
  const backends: [string, CryptoBackend][] = [];
  const outcomes: PairOutcome[] = [];
  const attempts: Attempt[] = [];

  /** Runs the peer: its stdout, or a PeerError on a non-zero exit. */
  const bc = (...args: string[]): Buffer => {
    const result = spawnSync('java', ['-cp', [...JARS, dir].join(':'), 'SealpostBc', ...args], { timeout: 60_000 });
    if (result.status !== 0) throw new PeerError(`SealpostBc ${args[0]}`, result.stderr.toString());
    return result.stdout;
  };
  /** openssl with `args`; `shown` is the command as the page prints it. */
  const openssl = (shown: string, args: string[]): Buffer => {
    const result = spawnSync('openssl', args, { timeout: 60_000 });
    if (result.status !== 0) throw new PeerError(shown, result.stderr.toString());
    return result.stdout;
  };
  const file = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };
  const isSigning = (op: Curve25519Operation) => op.id.startsWith('ed25519');
  const detachedOf = (op: Curve25519Operation) => op.id === 'ed25519-detached';
  const cipherOf = (op: Curve25519Operation) => (op.id === 'x25519-gcm' ? 'aes-256-gcm' : 'aes-256-cbc');
  const participants = () => [...backends.map(([name]) => name), BC, OPENSSL];

  /** What `producer` makes for `op`. */
  const produce = async (producer: string, op: Curve25519Operation): Promise<Uint8Array> => {
    const tag = `${producer.replace(/\W+/g, '-')}-${op.id}`;
    const backend = backends.find(([name]) => name === producer)?.[1];
    if (backend !== undefined) {
      return isSigning(op)
        ? backend.sign({ content, detached: detachedOf(op), signers: [{ ...carlos, digest: 'sha-512' }] })
        : backend.encrypt({ content, recipients: [{ certificate: dana.certificate }], cipher: cipherOf(op), keyTransport: 'rsa-pkcs1' });
    }
    const out = join(dir, `${tag}.der`);
    const input = await file('content.txt', content);
    if (producer === BC) {
      if (isSigning(op)) bc('sign', rfc9216('carlos@smime.example.sig.pem'), rfc9216('lamps-carlos.p8.pem'), input, String(detachedOf(op)), out);
      else bc('encrypt', rfc9216('dana@smime.example.enc.pem'), input, cipherOf(op), out);
    } else if (isSigning(op)) {
      const form = detachedOf(op) ? [] : ['-nodetach'];
      openssl(['openssl cms -sign -binary -md sha512', ...form, '-signer carlos.sig.pem -inkey carlos.p8.pem'].join(' '), [
        'cms',
        '-sign',
        '-binary',
        '-md',
        'sha512',
        ...form,
        '-in',
        input,
        '-signer',
        rfc9216('carlos@smime.example.sig.pem'),
        '-inkey',
        rfc9216('lamps-carlos.p8.pem'),
        '-outform',
        'DER',
        '-out',
        out,
      ]);
    } else {
      const cipher = op.id === 'x25519-gcm' ? '-aes-256-gcm' : '-aes256';
      openssl(`openssl cms -encrypt -binary ${cipher} -recip dana.enc.pem`, [
        'cms',
        '-encrypt',
        '-binary',
        cipher,
        '-in',
        input,
        '-recip',
        rfc9216('dana@smime.example.enc.pem'),
        '-outform',
        'DER',
        '-out',
        out,
      ]);
    }
    return new Uint8Array(await readFile(out));
  };

  /** `consumer` reads `cms`: returns normally only on the expected result (valid signature by carlos, or exactly the content). */
  const consume = async (consumer: string, op: Curve25519Operation, cms: Uint8Array, tag: string): Promise<void> => {
    const detached = detachedOf(op);
    const backend = backends.find(([name]) => name === consumer)?.[1];
    if (backend !== undefined) {
      if (isSigning(op)) {
        const checks = await backend.verify({ cms, ...(detached ? { content } : {}) });
        expect(checks).toEqual([{ index: 0, certificate: carlos.certificate, signatureValid: true, messageDigestValid: true, error: null }]);
        expect(await backend.verifyCertificateSignature({ certificate: carlos.certificate, issuer: ca })).toBe(true);
      } else {
        expect((await backend.decrypt({ cms, ...dana })).content).toEqual(content);
      }
      return;
    }
    const input = await file(`${tag}.in.der`, cms);
    const contentFile = await file('content.txt', content);
    const out = join(dir, `${tag}.out`);
    if (consumer === BC) {
      if (isSigning(op)) {
        const stdout = bc('verify', input, detached ? contentFile : '-', rfc9216(ED25519_CA)).toString('latin1');
        // BC prints the signer, the digest OID (SHA-512) and the signature OID (id-Ed25519), then the opaque content.
        expect(stdout).toContain('2.16.840.1.101.3.4.2.3 1.3.101.112');
        if (!detached) expect(stdout.endsWith(Buffer.from(content).toString('latin1'))).toBe(true);
      } else {
        bc('decrypt', input, rfc9216('dana@smime.example.enc.pem'), rfc9216('lamps-dana.decrypt.p8.pem'), out);
        expect(new Uint8Array(await readFile(out))).toEqual(content);
      }
      return;
    }
    if (isSigning(op)) {
      openssl(`openssl cms -verify -binary -inform DER${detached ? ' -content content.txt' : ''} -CAfile ed25519-ca.pem`, [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        input,
        ...(detached ? ['-content', contentFile] : []),
        '-CAfile',
        rfc9216(ED25519_CA),
        '-out',
        out,
      ]);
    } else {
      openssl('openssl cms -decrypt -binary -inform DER -recip dana.enc.pem -inkey dana.p8.pem', [
        'cms',
        '-decrypt',
        '-binary',
        '-inform',
        'DER',
        '-in',
        input,
        '-recip',
        rfc9216('dana@smime.example.enc.pem'),
        '-inkey',
        rfc9216('lamps-dana.decrypt.p8.pem'),
        '-out',
        out,
      ]);
    }
    expect(new Uint8Array(await readFile(out))).toEqual(content);
  };

  /** The outcome of a pair from what happened; a party in LACKING must fail, with a peer's error. */
  const outcomeOf = (op: Curve25519Operation, producer: string, consumer: string, made: Made, error: unknown, consumed: boolean): PairOutcome => {
    const base = { operation: op.id, producer, consumer };
    if ('error' in made) {
      if (LACKING.has(producer) && made.error instanceof PeerError)
        return { ...base, status: 'refused', refusedBy: { party: producer, command: made.error.command }, detail: normalizeError(made.error.stderr) };
      return { ...base, status: 'fail', detail: `${producer} could not make it: ${messageOf(made.error)}` };
    }
    if (LACKING.has(producer)) return { ...base, status: 'unexpected', detail: `${producer} made it` };
    if (consumed) return LACKING.has(consumer) ? { ...base, status: 'unexpected', detail: `${consumer} read it` } : { ...base, status: 'pass' };
    if (LACKING.has(consumer) && error instanceof PeerError) return { ...base, status: 'refused', refusedBy: { party: consumer, command: error.command }, detail: normalizeError(error.stderr) };
    return { ...base, status: 'fail', detail: messageOf(error) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-bc-'));
    const compiled = spawnSync('javac', ['-cp', JARS.join(':'), '-d', dir, join(import.meta.dirname, '../java/SealpostBc.java')], { encoding: 'utf8' });
    if (compiled.status !== 0) throw new Error(`javac: ${compiled.stderr}`);
    carlos = { certificate: await der('carlos@smime.example.sig.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: await der('lamps-carlos.p8.pem', 'PRIVATE KEY') } };
    dana = { certificate: await der('dana@smime.example.enc.pem', 'CERTIFICATE'), privateKey: { type: 'pkcs8', der: await der('lamps-dana.decrypt.p8.pem', 'PRIVATE KEY') } };
    ca = await der(ED25519_CA, 'CERTIFICATE');
    for (const entry of BACKENDS) backends.push([`Sealpost ${entry.name}`, await entry.create()]);
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  for (const op of CURVE25519_OPERATIONS) {
    it(`${op.title}: every backend and BouncyCastle make it and read each other's; openssl cms fails to make or read it`, async () => {
      const made = new Map<string, Made>();
      for (const producer of participants()) {
        try {
          made.set(producer, { cms: await produce(producer, op) });
        } catch (error) {
          made.set(producer, { error });
        }
      }
      for (const producer of participants()) {
        for (const consumer of participants()) {
          const message = made.get(producer)!;
          let error: unknown;
          let consumed = false;
          if ('cms' in message) {
            try {
              await consume(consumer, op, message.cms, `${producer}-${consumer}-${op.id}`.replace(/\W+/g, '-'));
              consumed = true;
            } catch (thrown) {
              error = thrown;
            }
          }
          outcomes.push(outcomeOf(op, producer, consumer, message, error, consumed));
        }
      }
      const mine = outcomes.filter((o) => o.operation === op.id);
      expect(mine.filter((o) => o.status === 'fail' || o.status === 'unexpected')).toEqual([]);
      // Every pair between the backends and BouncyCastle passed, in both directions; every pair with openssl was tried and refused.
      expect(mine.filter((o) => o.status === 'pass')).toHaveLength((participants().length - LACKING.size) ** 2);
    }, 120_000);
  }

  it('openssl cms -sign with an Ed25519 key and no -md fails as well: it has no default digest for Ed25519', async () => {
    const shown = 'openssl cms -sign -binary -signer carlos.sig.pem -inkey carlos.p8.pem';
    const input = await file('content.txt', content);
    const error = (() => {
      try {
        openssl(shown, [
          'cms',
          '-sign',
          '-binary',
          '-in',
          input,
          '-signer',
          rfc9216('carlos@smime.example.sig.pem'),
          '-inkey',
          rfc9216('lamps-carlos.p8.pem'),
          '-outform',
          'DER',
          '-out',
          join(dir, 'no-md.der'),
        ]);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PeerError);
    attempts.push({ party: OPENSSL, command: shown, error: normalizeError((error as PeerError).stderr) });
  });

  it('a signature BouncyCastle must refuse: Sealpost Ed25519 with one flipped bit', async () => {
    const [, backend] = backends[0]!;
    const cms = await backend.sign({ content, detached: true, signers: [{ ...carlos, digest: 'sha-512' }] });
    cms[cms.length - 5]! ^= 0x01;
    await file('flipped.p7s', cms);
    expect(() => bc('verify', join(dir, 'flipped.p7s'), join(dir, 'content.txt'), rfc9216(ED25519_CA))).toThrow(/does not verify/);
  });

  // Last: the page must show what the pairs above found (they record every outcome, failures included).
  it("docs/interop.md's Ed25519 / X25519 section shows exactly the pairs this run tried", async () => {
    expect(new Set(outcomes.map((o) => o.operation)).size).toBe(CURVE25519_OPERATIONS.length);
    const section = renderCurve25519Section({ participants: participants(), versions: peerVersions(), outcomes, attempts });
    const page = await readFile(INTEROP_PAGE, 'utf8');
    if (process.env['SEALPOST_WRITE_DOCS'] === '1') await writeFile(INTEROP_PAGE, withSection(page, section));
    else expect(sectionOf(page), 'docs/interop.md is out of date: run this test with SEALPOST_WRITE_DOCS=1').toBe(section);
  });
});

/** BouncyCastle's version from the Debian jar's name, OpenSSL's from `openssl version`: major.minor. */
function peerVersions(): string[] {
  const bcVersion = /-(\d+\.\d+)/.exec(realpathSync(JARS[0]!))?.[1] ?? 'unknown';
  const opensslVersion = /OpenSSL (\d+\.\d+)/.exec(spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  return [`BouncyCastle ${bcVersion}`, `OpenSSL ${opensslVersion}`];
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}
