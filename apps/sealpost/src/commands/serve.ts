import type { Command } from 'commander';
import { createSealpost } from '@sealpost/core';
import { createBackend } from '../backends.js';
import { EXIT, usageError } from '../errors.js';
import { CERTIFICATES_PATH, HEALTH_PATH, RELAY_WEBHOOK_PATH } from '../http/key-server-routes.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../http/limits.js';
import { jsonLineLog } from '../http/log.js';
import { loadCertificateFiles } from '../certificate-files.js';
import { openKeyStore } from '../keystore.js';
import { type BackendFlags, backendOption, collect } from '../options.js';
import { secretFromEnv } from '../secrets.js';

export interface ServeFlags extends BackendFlags {
  readonly keystore: string;
  readonly trust?: readonly string[];
  readonly tokenEnv: string;
  readonly port: string;
  readonly host: string;
  readonly headersTimeout?: string;
  readonly requestTimeout?: string;
  readonly keepAliveTimeout?: string;
  readonly maxConnections?: string;
}

const seconds = (ms: number): string => String(ms / 1000);

export function addServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .summary('run the relay-webhook key collector and certificate look-up')
    .description(
      `Serve SparkPost's relay webhook: each relayed message is verified, and the signer's certificate is stored only when the verdict is valid (trusted chain to a --trust CA, certificate issued to the From address). Routes: POST ${RELAY_WEBHOOK_PATH} (or POST /) for the webhook, GET ${CERTIFICATES_PATH}ADDRESS for the stored certificate as PEM (404 if none), GET ${HEALTH_PATH}. Logs one JSON line per event to stderr, never a message body or the token. SIGINT or SIGTERM stops it gracefully.`,
    )
    .requiredOption('--keystore <dir|sqlite:file|postgres://url>', 'where collected certificates are stored (a postgres:// URL has no password: PGPASSWORD holds it)')
    .option('--trust <file>', 'trust anchor a signer must chain to (repeatable, at least one)', collect)
    .requiredOption('--token-env <var>', "name of the environment variable holding the relay webhook's auth token")
    .option('--port <n>', 'TCP port (0 takes a free one)', '8025')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--headers-timeout <seconds>', `time a client has to send a request's headers (default ${seconds(DEFAULT_HTTP_LIMITS.headersTimeoutMs)})`)
    .option('--request-timeout <seconds>', `time a client has to send a whole request, body included; then 408 and the connection is closed (default ${seconds(DEFAULT_HTTP_LIMITS.requestTimeoutMs)})`)
    .option('--keep-alive-timeout <seconds>', `how long an idle keep-alive connection stays open (default ${seconds(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs)})`)
    .option('--max-connections <n>', `most connections open at once; more are closed when accepted (default ${DEFAULT_HTTP_LIMITS.maxConnections})`);
  backendOption(cmd);
  cmd.action(async (flags: ServeFlags) => {
    process.exitCode = await runServe(flags);
  });
}

async function runServe(flags: ServeFlags): Promise<number> {
  if (flags.trust === undefined || flags.trust.length === 0) throw usageError('serve needs at least one --trust CA certificate');
  const port = portNumber(flags.port);
  const limits = httpLimitsOf(flags);
  const token = secretFromEnv(flags.tokenEnv, 'the relay webhook token, named by --token-env', '--token-env');
  const trustAnchors = await loadCertificateFiles(flags.trust, 'trust anchor');
  const sealpost = createSealpost({ backend: await createBackend(flags.backend) });
  const log = jsonLineLog(process.stderr);
  const keystore = await openKeyStore(flags.keystore, { create: true });
  const { startKeyServer } = await import('../http/key-server.js');
  let server;
  try {
    server = await startKeyServer({ sealpost, keystore, trustAnchors, token, host: flags.host, port, log, limits });
  } catch (error) {
    await keystore.close?.();
    throw error;
  }
  const signal = await stopSignal();
  log({ event: 'stopping', signal });
  await server.close();
  await keystore.close?.();
  log({ event: 'stopped' });
  return EXIT.ok;
}

function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw usageError(`--port takes a number from 0 to 65535, not "${value}"`);
  return Number(value);
}

/** The HTTP limits the flags ask for; without --headers-timeout, headers get no longer than the whole request. */
function httpLimitsOf(flags: ServeFlags): HttpLimits {
  const requestTimeoutMs = millisecondsOf(flags.requestTimeout, '--request-timeout') ?? DEFAULT_HTTP_LIMITS.requestTimeoutMs;
  const headersTimeoutMs = millisecondsOf(flags.headersTimeout, '--headers-timeout') ?? Math.min(DEFAULT_HTTP_LIMITS.headersTimeoutMs, requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) throw usageError('--headers-timeout cannot be longer than --request-timeout');
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: millisecondsOf(flags.keepAliveTimeout, '--keep-alive-timeout') ?? DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
    maxConnections: flags.maxConnections === undefined ? DEFAULT_HTTP_LIMITS.maxConnections : connectionCount(flags.maxConnections),
  };
}

const MAX_TIMEOUT_SECONDS = 86_400;

/** A number of seconds (fractions allowed, e.g. 0.5) as milliseconds; undefined when the flag was not given. */
function millisecondsOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || number <= 0 || number > MAX_TIMEOUT_SECONDS) {
    throw usageError(`${flag} takes a number of seconds above 0 and up to ${MAX_TIMEOUT_SECONDS} (e.g. 30 or 0.5), not "${value}"`);
  }
  return Math.max(1, Math.round(number * 1000));
}

function connectionCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65_535) throw usageError(`--max-connections takes a number from 1 to 65535, not "${value}"`);
  return Number(value);
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
