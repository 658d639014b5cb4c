import { base64Encode, latin1Encode, splitMessage } from '@sealpost/core';

const BOUNDARY = 'sealpost-interop-7d0b9a';

/** A 256-byte attachment holding every byte value, so that no binary handling slips through. */
function attachmentBytes(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}

/**
 * The message every producer seals: multipart/mixed with quoted-printable UTF-8 text and a base64
 * attachment, CRLF throughout and already canonical, so the signed bytes equal the entity exactly and
 * every consumer can be held to returning those bytes.
 */
export function interopMessage(from: string, to: string): Uint8Array {
  const lines = [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: Sealpost interop check',
    'Date: Mon, 01 Jun 2026 09:00:00 +0000',
    'Message-ID: <interop-matrix@example.com>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    '',
    `--${BOUNDARY}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello Bob,',
    '',
    'this message crosses every producer and consumer of the interop matrix.',
    'Gr=C3=BC=C3=9Fe aus dem Testlabor, Alice',
    `--${BOUNDARY}`,
    'Content-Type: application/octet-stream; name="bytes.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="bytes.bin"',
    '',
    ...base64Encode(attachmentBytes(), 76)
      .split(/\r?\n/)
      .filter((l) => l.length > 0),
    `--${BOUNDARY}--`,
    '',
  ];
  return latin1Encode(lines.join('\r\n'));
}

/** The content entity of the interop message: what every consumer must give back. */
export function interopEntity(message: Uint8Array): Uint8Array {
  return splitMessage(message).entity;
}
