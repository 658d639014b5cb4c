import { type Command, Option } from 'commander';
import type { HeaderProtectionMode, HeaderProtectionOptions, VerifyPolicy } from '@sealpost/core';
import { BACKEND_NAMES, DEFAULT_BACKEND } from './backends.js';
import { usageError } from './errors.js';

/** Commander reducer for repeatable flags: `--to a --to b` gives ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export const DIGESTS = ['sha-256', 'sha-384', 'sha-512'] as const;
export const CIPHERS = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'] as const;
export const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'ec-p256', 'ed25519'] as const;
export const REVOCATION_MODES = ['off', 'soft-fail', 'hard-fail'] as const;

export interface BackendFlags {
  readonly backend: string;
}

export interface InOutFlags {
  readonly in?: string;
  readonly out?: string;
}

export function backendOption(cmd: Command): Command {
  return cmd.addOption(new Option('--backend <name>', 'crypto backend').choices(BACKEND_NAMES).default(DEFAULT_BACKEND));
}

export function inOutOptions(cmd: Command, outWhat: string): Command {
  return cmd.option('--in <file>', 'read the message from FILE instead of stdin').option('--out <file>', `write ${outWhat} to FILE (atomically) instead of stdout`);
}

export function identityOptions(cmd: Command, repeatable: boolean): Command {
  const more = repeatable ? ' (repeatable)' : '';
  return cmd
    .option('--cert <file>', `your certificate, PEM or DER${more}`, collect)
    .option('--key <file>', `its private key: PKCS#8, PKCS#1 or SEC1, PEM or DER${more}`, collect)
    .option('--p12 <file>', `certificate and key in a PKCS#12 file, instead of --cert/--key${more}`, collect)
    .option('--pass-env <var>', 'name of the environment variable holding the PKCS#12 or key passphrase');
}

export function signingOptions(cmd: Command): Command {
  return cmd
    .option('--chain <file>', 'intermediate certificates to include (repeatable)', collect)
    .option('--opaque', 'opaque signed-data (application/pkcs7-mime) instead of detached multipart/signed')
    .addOption(new Option('--digest <name>', 'digest algorithm (default sha-256; sha-512, the only one RFC 8419 allows, for an Ed25519 key)').choices(DIGESTS))
    .option('--pss', 'RSASSA-PSS signature instead of PKCS#1 v1.5 (RSA keys; not every client verifies it)');
}

export function encryptionOptions(cmd: Command, required: boolean): Command {
  const to = new Option('--to <file>', "a recipient's certificate, PEM or DER (repeatable)").argParser(collect);
  return cmd
    .addOption(required ? to.makeOptionMandatory() : to)
    .addOption(new Option('--cipher <name>', 'content cipher for every recipient (default: the strongest all recipients advertise; GCM gives authenticated encryption)').choices(CIPHERS))
    .addOption(cipherUnknownOption())
    .option('--keystore <dir|sqlite:file|postgres://...>', 'where to find the capabilities collected with each --to certificate (signed mail it came in)')
    .option('--oaep', 'RSA-OAEP key transport instead of PKCS#1 v1.5 (not every client reads it)')
    .option('--json', 'print the report as JSON on stdout (then the message goes only to --out, which is required)');
}

export interface HeaderProtectionFlags {
  /** `--protect-headers` alone gives the command's default mode. */
  readonly protectHeaders?: Exclude<HeaderProtectionMode, 'off'>;
  readonly legacyDisplay?: boolean;
}

/**
 * --protect-headers [mode] (RFC 9788): `encrypt` (the default where the message is encrypted) hides the
 * Subject outside, `sign-only` protects the fields from change without hiding any; --no-legacy-display.
 */
export function headerProtectionOptions(cmd: Command, encrypted: boolean): Command {
  const modes = encrypted ? ['encrypt', 'sign-only'] : ['sign-only'];
  const what = encrypted
    ? 'put the header fields inside the signed and encrypted message (RFC 9788): encrypt (default) shows "Subject: [...]" outside, sign-only hides nothing'
    : 'put the header fields inside the signature (RFC 9788), so a changed From or Subject is detected';
  cmd.addOption(new Option('--protect-headers [mode]', what).choices(modes).preset(modes[0]));
  if (encrypted) cmd.option('--no-legacy-display', 'with --protect-headers encrypt: do not repeat the hidden Subject at the top of the text for older clients');
  return cmd;
}

/** The header protection the flags ask for. */
export function headerProtectionFlags(flags: HeaderProtectionFlags): HeaderProtectionOptions {
  if (flags.protectHeaders === undefined) return {};
  return { headerProtection: flags.protectHeaders, ...(flags.legacyDisplay === false ? { legacyDisplay: false } : {}) };
}

/** --cipher-unknown, for encrypt, sign-encrypt and send alike. */
export function cipherUnknownOption(): Option {
  return new Option('--cipher-unknown <name>', 'cipher for recipients whose capabilities are unknown (default aes-256-cbc, which every client reads)').choices(CIPHERS);
}

export function trustOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--trust <file>', `trust anchor (CA certificate, PEM or DER) ${what} (repeatable)`, collect)
    .option('--intermediate <file>', 'extra intermediate certificates to build chains with (repeatable)', collect)
    .option('--legacy', 'read old archives: accept MD5/SHA-1, RSA keys from 1024 bits, and 3DES and RC2 content')
    .option('--at <time>', 'judge certificate validity at this time (ISO 8601, e.g. 2021-03-01T12:00:00Z) instead of now: for archives')
    .addOption(
      new Option(
        '--revocation <mode>',
        'revocation checking of signer certificates: soft-fail reports a status nobody could give as unknown, hard-fail makes it not valid (default soft-fail)',
      ).choices(REVOCATION_MODES),
    )
    .option('--crl <file>', 'a CRL (PEM or DER) to check signer certificates against before asking any server (repeatable)', collect)
    .option('--json', 'print the report as JSON; it is then the only thing on stdout');
}

export interface PolicyFlags {
  readonly legacy?: boolean;
  readonly revocation?: (typeof REVOCATION_MODES)[number];
}

/** The verify policy `--legacy` and `--revocation` ask for, if any. */
export function policyFlags(flags: PolicyFlags): { policy?: VerifyPolicy } {
  const policy: VerifyPolicy = {
    ...(flags.legacy === true ? { legacy: true } : {}),
    ...(flags.revocation === undefined ? {} : { revocation: flags.revocation }),
  };
  return Object.keys(policy).length === 0 ? {} : { policy };
}

/**
 * The verification time `--at` names: an ISO 8601 date (2021-03-01) or date and time with a zone
 * (2021-03-01T12:00:00Z, +01:00). A time without a zone would depend on the machine's, so it is refused.
 */
export function verificationTimeFlag(at: string | undefined): { verificationTime?: Date } {
  if (at === undefined) return {};
  const match = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(at);
  const time = match === null ? Number.NaN : Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at);
  if (Number.isNaN(time)) throw usageError(`--at ${JSON.stringify(at)} is not an ISO 8601 date or date and time with a zone (2021-03-01 or 2021-03-01T12:00:00Z)`);
  return { verificationTime: new Date(time) };
}
