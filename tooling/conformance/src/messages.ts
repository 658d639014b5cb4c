/** Message builders for the suite: plain strings in, exact bytes out, CRLF throughout. */

export interface Headers {
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  /** Extra raw header lines, e.g. "From: second@example.com". */
  readonly extra?: readonly string[];
}

const enc = new TextEncoder();

export function headerBlock(h: Headers): string {
  const lines = [
    ...(h.from === undefined ? [] : [`From: ${h.from}`]),
    ...(h.to === undefined ? [] : [`To: ${h.to}`]),
    `Subject: ${h.subject ?? 'Conformance'}`,
    'Date: Sun, 29 Nov 2026 12:00:00 +0000',
    'Message-ID: <conformance@example.com>',
    ...(h.extra ?? []),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}

export function textMessage(h: Headers, body = 'Hello Bob,\r\nthe contract is attached.\r\n'): Uint8Array {
  return enc.encode(`${headerBlock(h)}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`);
}

function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

export function opaqueSignedMessage(h: Headers, cms: Uint8Array): Uint8Array {
  return enc.encode(
    `${headerBlock(h)}MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\n` + `Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(cms)}\r\n`,
  );
}

export function envelopedMessage(h: Headers, cms: Uint8Array, smimeType = 'enveloped-data'): Uint8Array {
  return enc.encode(
    `${headerBlock(h)}MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\n` + `Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(cms)}\r\n`,
  );
}

/** multipart/signed around `entity` (exact bytes) and a detached signature. */
export function detachedSignedMessage(h: Headers, entity: Uint8Array, cms: Uint8Array, micalg = 'sha-256'): Uint8Array {
  const b = 'conformance-boundary-5f3a';
  return concatText(
    `${headerBlock(h)}MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=${micalg}; boundary="${b}"\r\n\r\n--${b}\r\n`,
    entity,
    `\r\n--${b}\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(cms)}\r\n--${b}--\r\n`,
  );
}

/** multipart/mixed whose parts are given as exact bytes: used to bury a signed or encrypted part. */
export function mixedMessage(h: Headers, parts: readonly Uint8Array[]): Uint8Array {
  const b = 'conformance-mixed-77c1';
  const pieces: (string | Uint8Array)[] = [`${headerBlock(h)}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n`];
  for (const p of parts) pieces.push(`--${b}\r\n`, p, '\r\n');
  pieces.push(`--${b}--\r\n`);
  return concatText(...pieces);
}

export function textEntity(body: string): Uint8Array {
  return enc.encode(`Content-Type: text/plain; charset=utf-8\r\n\r\n${body}`);
}

export function concatText(...pieces: (string | Uint8Array)[]): Uint8Array {
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

/** Body bytes of the message (after the first blank line). */
export function bodyOf(message: Uint8Array): Uint8Array {
  const i = Buffer.from(message).indexOf('\r\n\r\n');
  return message.subarray(i + 4);
}
