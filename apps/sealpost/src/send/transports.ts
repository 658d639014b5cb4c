import type { Transport } from '@sealpost/core';
import type { SmtpDkimOptions, SmtpTlsPolicy } from '@sealpost/transport-smtp';
import { usageError } from '../errors.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { readSecretFile } from '../secret-files.js';
import { secretFromEnv } from '../secrets.js';

export type Via = 'sparkpost' | 'smtp';

export interface TransportFlags {
  readonly via: Via;
  readonly sparkpostBaseUrl?: string;
  readonly smtpUrl?: string;
  readonly tls?: SmtpTlsPolicy;
  readonly smtpCa?: readonly string[];
  /** DKIM over SMTP: the private key's file, the selector, and the domain (default: From's). */
  readonly dkimKey?: string;
  readonly dkimSelector?: string;
  readonly dkimDomain?: string;
}

export interface OpenedTransport {
  readonly transport: Transport;
  /** Where mail goes, safe to print: no key, no password. */
  readonly target: string;
}

/**
 * The transport named by `--via`, with its settings from flags or the environment. Secrets come only
 * from the environment: SPARKPOST_API_KEY, and the password inside SMTP_URL (or SMTP_PASSWORD).
 */
export async function openTransport(flags: TransportFlags, concurrency: number): Promise<OpenedTransport> {
  return flags.via === 'sparkpost' ? sparkPostTransport(flags) : smtpTransport(flags, concurrency);
}

async function sparkPostTransport(flags: TransportFlags): Promise<OpenedTransport> {
  const { createSparkPostTransport } = await import('@sealpost/transport-sparkpost');
  if (flags.smtpUrl !== undefined || flags.tls !== undefined || flags.smtpCa !== undefined) throw usageError('--smtp-url, --tls and --smtp-ca go with --via smtp');
  if (dkimRequested(flags)) throw usageError('--dkim-key, --dkim-selector and --dkim-domain go with --via smtp; SparkPost signs with DKIM itself, with the key of your sending domain');
  const apiKey = secretFromEnv('SPARKPOST_API_KEY', 'the SparkPost API key');
  const baseUrl = flags.sparkpostBaseUrl ?? nonEmpty(process.env['SPARKPOST_BASE_URL']);
  const transport = asUsageError(() => createSparkPostTransport({ apiKey, ...(baseUrl === undefined ? {} : { baseUrl }) }));
  return { transport, target: `SparkPost at ${baseUrl ?? 'https://api.sparkpost.com'}` };
}

async function smtpTransport(flags: TransportFlags, concurrency: number): Promise<OpenedTransport> {
  if (flags.sparkpostBaseUrl !== undefined) throw usageError('--sparkpost-base-url goes with --via sparkpost');
  const { createSmtpTransport } = await import('@sealpost/transport-smtp');
  const server = smtpServer(flags.smtpUrl);
  const ca = flags.smtpCa === undefined ? undefined : await loadCertificateFiles(flags.smtpCa, 'SMTP server CA certificate');
  const dkim = await dkimOptions(flags);
  const transport = asUsageError(() =>
    createSmtpTransport({
      url: server.url,
      ...(server.auth === undefined ? {} : { auth: server.auth }),
      ...(flags.tls === undefined ? {} : { tls: flags.tls }),
      ...(ca === undefined ? {} : { ca }),
      ...(concurrency > 1 ? { pool: { maxConnections: concurrency } } : {}),
      ...(dkim === undefined ? {} : { dkim }),
    }),
  );
  const signing = dkim === undefined ? '' : `, DKIM ${dkim.keySelector}._domainkey.${dkim.domainName ?? '<From domain>'}`;
  return { transport, target: `SMTP at ${server.shown}${flags.tls === undefined ? '' : `, tls ${flags.tls}`}${signing}` };
}

function dkimRequested(flags: TransportFlags): boolean {
  return flags.dkimKey !== undefined || flags.dkimSelector !== undefined || flags.dkimDomain !== undefined;
}

/**
 * `--dkim-key FILE --dkim-selector S [--dkim-domain D]`. The key is read from a file only its owner
 * (and group) can read, never from an argument; without `--dkim-domain` each message is signed for the
 * domain of its From address. A key that cannot sign is the transport's ERR_DKIM_KEY, before any send.
 */
async function dkimOptions(flags: TransportFlags): Promise<SmtpDkimOptions | undefined> {
  if (!dkimRequested(flags)) return undefined;
  if (flags.dkimKey === undefined || flags.dkimSelector === undefined)
    throw usageError('DKIM signing needs both --dkim-key FILE and --dkim-selector SELECTOR (--dkim-domain is optional: the From domain by default)');
  const privateKey = await readSecretFile(flags.dkimKey, 'DKIM private key');
  return { keySelector: flags.dkimSelector, privateKey, ...(flags.dkimDomain === undefined ? {} : { domainName: flags.dkimDomain }) };
}

interface SmtpServer {
  readonly url: string;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly shown: string;
}

/**
 * `--smtp-url` (no password allowed: it would show in `ps`) or SMTP_URL from the environment. A user
 * named in `--smtp-url` takes the password from SMTP_PASSWORD.
 */
function smtpServer(flagUrl: string | undefined): SmtpServer {
  if (flagUrl !== undefined) {
    const parsed = parsedUrl(flagUrl, '--smtp-url');
    if (parsed.password !== '') throw usageError('--smtp-url must not carry a password, which ps and shell history would show: put the whole URL in SMTP_URL in the environment instead');
    if (parsed.username === '') return { url: flagUrl, shown: parsed.href };
    const user = decodeURIComponent(parsed.username);
    const pass = secretFromEnv('SMTP_PASSWORD', `the SMTP password for ${user}`);
    parsed.username = '';
    return { url: parsed.href.replace(/\/$/, ''), auth: { user, pass }, shown: `${user}@${parsed.host}` };
  }
  const envUrl = nonEmpty(process.env['SMTP_URL']);
  if (envUrl === undefined) throw usageError('--via smtp needs a server: SMTP_URL=smtp://user:pass@host:587 in the environment, or --smtp-url smtp://host:587');
  const parsed = parsedUrl(envUrl, 'SMTP_URL');
  return { url: envUrl, shown: `${parsed.protocol}//${parsed.host}` };
}

function parsedUrl(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    // Never echo the value: it may hold a password.
    throw usageError(`${what} is not a URL like smtp://host:587`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The transports check their options with TypeError/RangeError, whose messages hold no secret. */
function asUsageError<T>(create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw usageError(error.message);
    throw error;
  }
}
