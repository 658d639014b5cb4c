/**
 * What of openssl's stderr may travel in an error: the first lines, with temporary paths replaced
 * and anything that could be key material (PEM blocks, long hex or base64 runs) cut out. OpenSSL
 * does not print keys on failure, but a provider, a wrapper script or a future version might.
 */

const MAX_LINES = 4;
const MAX_LINE_LENGTH = 240;
const PEM_BLOCK = /-----BEGIN [^-\r\n]{1,64}-----[\s\S]*?(?:-----END [^-\r\n]{1,64}-----|$)/g;
// 32+ hex digits, with or without separators, as in "A1:B2:..." dumps; OpenSSL's 16-digit thread ids stay.
const HEX_RUN = /(?:[0-9A-Fa-f]{2}[: -]?){16,}/g;
const BASE64_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

export function redactStderr(stderr: string, paths: readonly string[] = []): string {
  let text = stderr;
  for (const path of paths) if (path !== '') text = text.split(path).join('<tmp>');
  text = text.replace(PEM_BLOCK, '[PEM block removed]').replace(HEX_RUN, '[hex removed]').replace(BASE64_RUN, '[base64 removed]');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, MAX_LINES)
    .map((line) => (line.length <= MAX_LINE_LENGTH ? line : `${line.slice(0, MAX_LINE_LENGTH)}...`))
    .join('\n');
}
