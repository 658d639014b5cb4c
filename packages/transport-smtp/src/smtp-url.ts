import type { SmtpAuth, SmtpTlsPolicy } from './options.js';

export interface ParsedSmtpUrl {
  readonly host: string;
  readonly port: number | undefined;
  readonly tls: SmtpTlsPolicy | undefined;
  readonly auth: SmtpAuth | undefined;
}

const SCHEMES: Readonly<Record<string, SmtpTlsPolicy | undefined>> = { 'smtp:': undefined, 'smtps:': 'implicit' };

/**
 * Reads `smtp://user:pass@host:port` or `smtps://...`. The URL holds a password, so no error from
 * here repeats it or carries the parser's error (whose `input` is the whole URL).
 */
export function parseSmtpUrl(url: string): ParsedSmtpUrl {
  const parsed = urlOrUndefined(url);
  if (parsed === undefined) throw new TypeError('SMTP url is not a valid URL');
  if (!(parsed.protocol in SCHEMES)) throw new TypeError('SMTP url must start with smtp:// or smtps://');
  if (parsed.hostname === '') throw new TypeError('SMTP url has no host');
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.hash !== '') {
    // Settings in a query string (as some libraries read them) would be silently ignored here.
    throw new TypeError('SMTP url must not have a path, query or fragment; pass settings as options');
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    tls: SCHEMES[parsed.protocol],
    auth: credentialsOf(parsed),
  };
}

/** The URL with its password replaced, for showing where mail goes. */
export function redactSmtpUrl(url: string): string {
  const parsed = urlOrUndefined(url);
  if (parsed === undefined) return '[invalid SMTP url]';
  if (parsed.password !== '') parsed.password = 'redacted';
  return parsed.href;
}

function urlOrUndefined(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function credentialsOf(parsed: URL): SmtpAuth | undefined {
  if (parsed.username === '' && parsed.password === '') return undefined;
  if (parsed.password === '') throw new TypeError('SMTP url has a user but no password');
  return { user: percentDecoded(parsed.username, 'user'), pass: percentDecoded(parsed.password, 'password') };
}

function percentDecoded(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TypeError(`SMTP url ${what} is not valid percent-encoding`);
  }
}
