import type { SmtpAuth } from './options.js';

const MAX_TEXT = 300;

/**
 * Every form in which a password can reach SMTP text: as typed, and base64 as AUTH LOGIN and
 * AUTH PLAIN send it. A server that echoes a command back would otherwise put it in an error.
 */
export function secretsOf(auth: SmtpAuth | undefined): readonly string[] {
  if (auth === undefined) return [];
  const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  return [auth.pass, base64(auth.pass), base64(`\u0000${auth.user}\u0000${auth.pass}`)].filter((s) => s.length >= 1);
}

/** TEXT (a server reply or an error message) with every secret replaced, cut to one short line. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  out = out.replace(/\s*\r?\n\s*/g, ' ').trim();
  return out.length <= MAX_TEXT ? out : `${out.slice(0, MAX_TEXT)}...`;
}
