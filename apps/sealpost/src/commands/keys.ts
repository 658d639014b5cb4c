import type { Command } from 'commander';
import { type StoredCertificate, addressesEqual, createSealpost, normalizeAddress, parseCertificate, pemEncode, recipientCapabilities, sameCertificate } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT, usageError } from '../errors.js';
import { loadCertificateFile, loadCertificateFiles } from '../certificate-files.js';
import { importSignedMessage } from '../import-signed.js';
import { readInput, writeStream } from '../io.js';
import { withKeyStore } from '../keystore.js';
import { type BackendFlags, backendOption, collect } from '../options.js';
import { toJson } from '../report.js';
import { formatTable } from '../text-table.js';

interface KeyStoreFlags {
  readonly keystore: string;
  readonly json?: boolean;
}

interface ImportFlags extends KeyStoreFlags, BackendFlags {
  readonly in?: string;
  readonly trust?: readonly string[];
  readonly intermediate?: readonly string[];
  readonly cert?: string;
  readonly address?: string;
}

interface ShowFlags extends KeyStoreFlags {
  readonly pem?: boolean;
}

interface RemoveFlags extends KeyStoreFlags {
  readonly fingerprint?: string;
}

export function addKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .summary("manage the key store of recipients' certificates")
    .description("Import, list, show and remove the recipients' certificates that send encrypts to. A key store is a folder (--keystore DIR) or a SQLite file (--keystore sqlite:FILE).");
  addImport(keys);
  addList(keys);
  addShow(keys);
  addRemove(keys);
}

function keystoreOption(cmd: Command): Command {
  return cmd.requiredOption('--keystore <dir|sqlite:file|postgres://url>', 'the key store');
}

function addImport(keys: Command): void {
  const cmd = keys
    .command('import')
    .summary('store a certificate from a signed message (verified first), or a certificate file')
    .description(
      "From a signed message (--in FILE or stdin): verify it, and store the signer's certificate only when the verdict is valid: the signature verifies, the chain reaches a --trust CA, and the certificate is issued to the From address. These are the relay collector's rules. With --cert FILE --address A instead: store that certificate for A without verifying any chain: you vouch for it.",
    )
    .option('--in <file>', 'the signed message (default stdin)')
    .option('--trust <file>', 'trust anchor (CA certificate) the signer must chain to (repeatable; required with a message)', collect)
    .option('--intermediate <file>', 'extra intermediate certificates to build chains with (repeatable)', collect)
    .option('--cert <file>', 'store this certificate (PEM or DER) as it is, without a message')
    .option('--address <address>', 'with --cert: the address to store it under (the certificate must name it)')
    .option('--json', 'print the result as JSON');
  keystoreOption(cmd);
  backendOption(cmd);
  cmd.action(async (flags: ImportFlags) => {
    process.exitCode = flags.cert === undefined ? await importFromMessage(flags) : await importCertificateFile(flags);
  });
}

async function importFromMessage(flags: ImportFlags): Promise<number> {
  if (flags.address !== undefined) throw usageError('--address goes with --cert; a signed message names its own From address');
  if (flags.trust === undefined || flags.trust.length === 0) throw usageError('keys import needs at least one --trust CA certificate to verify the message');
  const trustAnchors = await loadCertificateFiles(flags.trust, 'trust anchor');
  const certificates = await loadCertificateFiles(flags.intermediate ?? [], 'intermediate certificate');
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const message = await readInput(flags.in);
  return withKeyStore(
    flags.keystore,
    async (keystore) => {
      const result = await importSignedMessage(message, { sealpost, keystore, trustAnchors, certificates, source: 'import' });
      if (result.stored) {
        const { outcome, address, fingerprint } = result;
        await say(flags, { stored: true, outcome, address, fingerprint, verdict: result.report.status }, `keys import: ${outcome} ${address} (sha-256 ${fingerprint})\n`);
        return EXIT.ok;
      }
      const { status, errors, from } = result.report;
      const why = errors.map((e) => `  ${e.message} [${e.code}]`).join('\n');
      await say(
        flags,
        { stored: false, verdict: status, from, errors },
        `keys import: not stored: the message is ${status}, and only a valid signature adds a certificate\n${why === '' ? '' : `${why}\n`}`,
      );
      return EXIT.negative;
    },
    { create: true },
  );
}

async function importCertificateFile(flags: ImportFlags): Promise<number> {
  if (flags.in !== undefined) throw usageError('give either --in MESSAGE or --cert FILE, not both');
  if (flags.address === undefined) throw usageError('--cert needs --address: the address to store the certificate under');
  const address = normalizeAddress(flags.address);
  if (address === null) throw usageError(`--address "${flags.address}" is not an address like bob@example.com`);
  const [certificate] = await loadCertificateFile(flags.cert!, 'certificate');
  const info = parseCertificate(certificate!);
  if (!info.emailAddresses.some((a) => addressesEqual(a, address))) throw usageError(`${flags.cert} is not issued to ${address} (it names ${info.emailAddresses.join(', ') || 'no address'})`);
  return withKeyStore(
    flags.keystore,
    async (keystore) => {
      const outcome = await keystore.put({ address, certificate: certificate!, source: 'import-certificate' });
      const fingerprint = (await keystore.history(address)).find((s) => sameCertificate(s.certificate, certificate!))?.fingerprint ?? '';
      await say(flags, { stored: true, outcome, address, fingerprint }, `keys import: ${outcome} ${address} (sha-256 ${fingerprint}); chain not verified\n`);
      return EXIT.ok;
    },
    { create: true },
  );
}

function addList(keys: Command): void {
  const cmd = keys.command('list').summary('list every address with its current certificate').option('--json', 'print the list as JSON');
  keystoreOption(cmd);
  cmd.action(async (flags: KeyStoreFlags) => {
    process.exitCode = await withKeyStore(flags.keystore, async (keystore) => {
      const entries = await keystore.list();
      const rows = entries.map((e) => [e.address, e.fingerprint, day(e.notAfter), e.lastSeen.toISOString(), String(e.versions)]);
      const text = entries.length === 0 ? 'the key store is empty\n' : formatTable(['address', 'sha-256', 'not after', 'last seen', 'versions'], rows);
      await say(flags, entries, text);
      return EXIT.ok;
    });
  });
}

function addShow(keys: Command): void {
  const cmd = keys
    .command('show')
    .summary("show an address's certificates, current first")
    .argument('<address>', 'the address')
    .option('--pem', 'print the current certificate and its chain as PEM instead')
    .option('--json', 'print the details as JSON');
  keystoreOption(cmd);
  cmd.action(async (address: string, flags: ShowFlags) => {
    const target = checkedAddress(address);
    process.exitCode = await withKeyStore(flags.keystore, async (keystore) => {
      const history = await keystore.history(target);
      if (history.length === 0) {
        await writeStream(process.stderr, `sealpost: no certificate stored for ${target} [ERR_NO_CERTIFICATE]\n`);
        return EXIT.negative;
      }
      if (flags.pem === true) {
        await writeStream(process.stdout, [history[0]!.certificate, ...history[0]!.chain].map((der) => pemEncode(der, 'CERTIFICATE')).join(''));
        return EXIT.ok;
      }
      await say(flags, history.map(describeStored), history.map((s, i) => storedLines(s, i === 0)).join('\n'));
      return EXIT.ok;
    });
  });
}

function addRemove(keys: Command): void {
  const cmd = keys
    .command('remove')
    .summary("remove an address's certificates, or one of them")
    .argument('<address>', 'the address')
    .option('--fingerprint <sha256>', 'remove only this certificate (its SHA-256 fingerprint, as keys list shows it)')
    .option('--json', 'print the result as JSON');
  keystoreOption(cmd);
  cmd.action(async (address: string, flags: RemoveFlags) => {
    const target = checkedAddress(address);
    const fingerprint = flags.fingerprint?.toLowerCase().replace(/:/g, '');
    if (fingerprint !== undefined && !/^[0-9a-f]{64}$/.test(fingerprint)) throw usageError('--fingerprint takes the 64 hex digits of a SHA-256 fingerprint');
    process.exitCode = await withKeyStore(flags.keystore, async (keystore) => {
      const removed = await keystore.remove(target, fingerprint);
      await say(flags, { address: target, removed }, `keys remove: removed ${removed} certificate(s) for ${target}\n`);
      return removed > 0 ? EXIT.ok : EXIT.negative;
    });
  });
}

function checkedAddress(address: string): string {
  const normalized = normalizeAddress(address);
  if (normalized === null) throw usageError(`"${address}" is not an address like bob@example.com`);
  return normalized;
}

function describeStored(s: StoredCertificate): Record<string, unknown> {
  const info = parseCertificate(s.certificate);
  return {
    address: s.address,
    fingerprint: s.fingerprint,
    subject: info.subject,
    issuer: info.issuer,
    serial: info.serial,
    notBefore: s.notBefore.toISOString(),
    notAfter: s.notAfter.toISOString(),
    firstSeen: s.firstSeen.toISOString(),
    lastSeen: s.lastSeen.toISOString(),
    source: s.source,
    smimeCapabilities: s.smimeCapabilities,
    chainLength: s.chain.length,
  };
}

function storedLines(s: StoredCertificate, current: boolean): string {
  const d = describeStored(s);
  const lines = [
    `${current ? 'current' : 'older'}: ${s.address}`,
    `  sha-256:      ${s.fingerprint}`,
    `  subject:      ${String(d['subject'])}`,
    `  issuer:       ${String(d['issuer'])}`,
    `  serial:       ${String(d['serial'])}`,
    `  valid:        ${String(d['notBefore'])} to ${String(d['notAfter'])}`,
    `  seen:         ${String(d['firstSeen'])} to ${String(d['lastSeen'])}`,
    `  source:       ${s.source}`,
    `  ciphers:      ${ciphersText(s)}`,
    `  chain:        ${s.chain.length} intermediate(s)`,
  ];
  return lines.join('\n') + '\n';
}

/** What send() chooses the cipher from (core's recipientCapabilities), and where it came from when not from signed mail. */
function ciphersText(s: StoredCertificate): string {
  const known = recipientCapabilities(s.certificate, s.smimeCapabilities);
  if (known.source === 'key-store') return known.smimeCapabilities.join(', ');
  if (known.source === 'certificate') return `${known.smimeCapabilities.join(', ')} (from the certificate; none advertised in signed mail)`;
  return '(capabilities unknown: AES-256-CBC is used, or send --cipher-unknown)';
}

async function say(flags: { readonly json?: boolean }, json: unknown, text: string): Promise<void> {
  await writeStream(process.stdout, flags.json === true ? toJson(json) : text);
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
