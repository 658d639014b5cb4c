import type { Command } from 'commander';
import { type DigestAlgorithm, createSealpost, parseCertificate } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT, usageError } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { type IdentityFlags, loadIdentity } from '../identity.js';
import { readInput, writeOutput, writeStream } from '../io.js';
import {
  type BackendFlags,
  type HeaderProtectionFlags,
  type InOutFlags,
  backendOption,
  encryptionOptions,
  headerProtectionFlags,
  headerProtectionOptions,
  identityOptions,
  inOutOptions,
  signingOptions,
} from '../options.js';
import { type CipherFlags, planEncryption, renderEncryption } from '../recipient-ciphers.js';
import { toJson } from '../report.js';

export interface SignEncryptFlags extends BackendFlags, InOutFlags, IdentityFlags, CipherFlags, HeaderProtectionFlags {
  readonly opaque?: boolean;
  /** Core's default when absent: SHA-256, or SHA-512 for an Ed25519 key. */
  readonly digest?: DigestAlgorithm;
  readonly pss?: boolean;
  readonly to?: readonly string[];
  readonly oaep?: boolean;
  readonly self: boolean;
  /** Your own encryption certificate when the signing one cannot receive (Ed25519: keygen's ADDRESS.enc.crt). */
  readonly selfCert?: string;
  readonly json?: boolean;
}

export function addSignEncryptCommand(program: Command): void {
  const cmd = program
    .command('sign-encrypt')
    .summary('sign a message, then encrypt it')
    .description(
      "Sign a message with your identity, then encrypt the signed entity to each --to certificate and, unless --no-self, to your own certificate so your sent copy stays readable. The cipher is chosen as encrypt chooses it, from the --to recipients' capabilities (yours only when there is no --to); the report goes to stderr, with --json to stdout.",
    );
  identityOptions(cmd, false);
  signingOptions(cmd);
  encryptionOptions(cmd, false);
  headerProtectionOptions(cmd, true);
  cmd.option('--no-self', 'do not encrypt to your own certificate');
  cmd.option('--self-cert <file>', 'your own encryption certificate, when it is not the signing one (an Ed25519 identity receives with its X25519 certificate, ADDRESS.enc.crt)');
  inOutOptions(cmd, 'the signed and encrypted message');
  backendOption(cmd);
  cmd.action(async (flags: SignEncryptFlags) => {
    process.exitCode = await runSignEncrypt(flags);
  });
}

/** The certificate your own copy is encrypted to: --self-cert, or the signing certificate when its key can receive. */
async function ownCertificate(flags: SignEncryptFlags, signing: Uint8Array): Promise<Uint8Array> {
  if (flags.selfCert !== undefined) return (await loadCertificateFiles([flags.selfCert], 'own encryption certificate'))[0]!;
  // RFC 8410 5: an Ed25519 key signs only; mail to its holder goes to an X25519 certificate (RFC 9216).
  if (parseCertificate(signing).publicKey.type === 'ed25519')
    throw usageError('an Ed25519 certificate cannot receive encrypted mail: give your X25519 certificate with --self-cert (keygen writes ADDRESS.enc.crt), or --no-self');
  return signing;
}

async function runSignEncrypt(flags: SignEncryptFlags): Promise<number> {
  if (flags.json === true && flags.out === undefined) throw usageError('--json prints the report on stdout: give --out FILE for the sealed message');
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const signer = await loadIdentity(flags);
  const others = await loadCertificateFiles(flags.to ?? [], 'recipient certificate');
  const recipients = flags.self ? withoutDuplicates([...others, await ownCertificate(flags, signer.certificate)]) : others;
  const keyTransport = flags.oaep === true ? 'rsa-oaep' : 'rsa-pkcs1';
  // As send() does: the cipher suits the recipients; the sender's own copy follows it.
  const plan = await planEncryption(others.length > 0 ? others : recipients, flags, keyTransport);
  const message = await readInput(flags.in);
  const sealed = await sealpost.signAndEncrypt(message, {
    signer,
    detached: flags.opaque !== true,
    ...(flags.digest === undefined ? {} : { digest: flags.digest }),
    ...(flags.pss === true ? { scheme: 'rsa-pss' as const } : {}),
    recipients,
    cipher: plan.cipher,
    keyTransport,
    ...headerProtectionFlags(flags),
  });
  await writeOutput(sealed, flags.out);
  if (flags.json === true) await writeStream(process.stdout, toJson(plan));
  else await writeStream(process.stderr, renderEncryption('sign-encrypt', plan));
  return EXIT.ok;
}

/** Recipients listed twice would get two RecipientInfos for one key: harmless, but noise. */
function withoutDuplicates(certs: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const key = Buffer.from(c).toString('base64');
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
