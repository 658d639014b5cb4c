import { tmpdir } from 'node:os';

/** Options of `createOpensslBackend`. */
export interface OpensslBackendOptions {
  /** The openssl binary: a path, or a name looked up on PATH. Default `openssl`. */
  readonly binary?: string;
  /** Time limit for each openssl process, in milliseconds; the process is killed when it is reached. Default 30 000. */
  readonly timeoutMs?: number;
  /** Most bytes one process may write to its output (a CMS structure or recovered content). Default 256 MiB. */
  readonly maxOutputBytes?: number;
  /**
   * Providers to load, in this order, on every command (`-provider NAME`): for example
   * `['pkcs11', 'default']` for keys in an HSM, `['fips']`, or `['legacy', 'default']` for RC2.
   * Default: none named, so OpenSSL's configuration decides (normally the default provider).
   */
  readonly providers?: readonly string[];
  /** Where providers are loaded from (`-provider-path`), when not from OpenSSL's module folder. */
  readonly providerPath?: string;
  /** Property query for fetching algorithms (`-propquery`), e.g. `provider=pkcs11` or `fips=yes`. */
  readonly propquery?: string;
  /**
   * Variables for the openssl processes, set over the few they inherit (PATH, LD_LIBRARY_PATH and
   * every OPENSSL_* variable); a variable set to undefined is removed. Nothing else of the current
   * environment reaches openssl, so name here what a provider needs (a PKCS#11 module's own variables,
   * SOFTHSM2_CONF, ...).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Passphrase or PIN for `{ type: 'uri' }` private keys. It reaches openssl through a pipe
   * (`-passin fd:3`), never through its arguments or environment.
   */
  readonly keyPassphrase?: string | (() => string | Promise<string>);
  /**
   * Folder in which each operation makes its private temporary folder (0700) for certificates and
   * the named pipes (0600) that hand PKCS#8 keys to openssl without storing them, removed when the
   * operation ends (also on SIGINT, SIGTERM, SIGHUP and exit). Default `os.tmpdir()`.
   */
  readonly tempDir?: string;
}

/** A child's environment, as spawn takes it (declared here so these declarations need no Node types). */
export type ChildEnvironment = Record<string, string | undefined>;

export interface ResolvedOptions {
  readonly binary: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly providers: readonly string[];
  readonly providerPath: string | undefined;
  readonly propquery: string | undefined;
  readonly env: ChildEnvironment;
  readonly keyPassphrase: OpensslBackendOptions['keyPassphrase'];
  readonly tempDir: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export function resolveOptions(options: OpensslBackendOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const binary = options.binary ?? 'openssl';
  if (typeof binary !== 'string' || binary === '') throw new TypeError('options.binary must be a non-empty string');
  const timeoutMs = positiveInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'options.timeoutMs');
  const maxOutputBytes = positiveInteger(options.maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES, 'options.maxOutputBytes');
  const providers = options.providers ?? [];
  if (!Array.isArray(providers) || !providers.every(isArgument)) throw new TypeError('options.providers must be an array of provider names');
  if (options.providerPath !== undefined && !isArgument(options.providerPath)) throw new TypeError('options.providerPath must be a non-empty string');
  // A query may start with "-" ("-fips": the property must be absent); openssl takes the next argument as the value.
  if (options.propquery !== undefined && (typeof options.propquery !== 'string' || options.propquery === '' || options.propquery.includes('\0')))
    throw new TypeError('options.propquery must be a non-empty string');
  const passphrase = options.keyPassphrase;
  if (passphrase !== undefined && typeof passphrase !== 'string' && typeof passphrase !== 'function') throw new TypeError('options.keyPassphrase must be a string or a function');
  const tempDir = options.tempDir ?? tmpdir();
  if (typeof tempDir !== 'string' || tempDir === '') throw new TypeError('options.tempDir must be a non-empty string');
  return {
    binary,
    timeoutMs,
    maxOutputBytes,
    providers: Object.freeze([...providers]),
    providerPath: options.providerPath,
    propquery: options.propquery,
    env: mergedEnv(options.env),
    keyPassphrase: passphrase,
    tempDir,
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** A string openssl reads as an option value: not empty, no NUL, and not mistakable for an option. */
function isArgument(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.startsWith('-') && !value.includes('\0');
}

/** The variables openssl and its providers read (OPENSSL_CONF, OPENSSL_MODULES, OPENSSL_ENGINES, ...). */
const INHERITED_PREFIX = 'OPENSSL_';
/** Where to find the binary, and the libraries of an OpenSSL installed outside the system's paths. */
const INHERITED_NAMES = new Set(['PATH', 'LD_LIBRARY_PATH']);

/**
 * The environment of every openssl child: an allow-list of the current one, then options.env. The
 * host's environment holds its secrets (API keys, SMTP URLs with passwords, the variable a passphrase
 * is read from); openssl needs none of them, and a child's environment is readable by its user
 * through /proc/PID/environ and passed on to anything it starts.
 */
function mergedEnv(extra: OpensslBackendOptions['env']): ChildEnvironment {
  const env: ChildEnvironment = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && (INHERITED_NAMES.has(name) || name.startsWith(INHERITED_PREFIX))) env[name] = value;
  if (extra === undefined) return env;
  if (typeof extra !== 'object' || extra === null) throw new TypeError('options.env must be an object');
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else if (typeof value === 'string') env[name] = value;
    else throw new TypeError(`options.env.${name} must be a string or undefined`);
  }
  return env;
}
