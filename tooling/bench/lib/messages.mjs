// The messages every backend is measured on: the same bytes for all of them, made from a fixed seed.

const WORDS = (
  'the quarterly figures are attached and the budget review moves to thursday because several ' +
  'teams still need time to check their numbers against the invoices we received last month please ' +
  'send corrections before noon so that the summary can go out with the minutes of the meeting'
).split(' ');

/** A plain-text message of RFC 5322 bytes with a 7-bit body of `bodyKiB` KiB in lines under 78 octets. */
export function textMessage({ from, to, bodyKiB }) {
  const body = proseOfLength(bodyKiB * 1024, seededRandom(1));
  return encode(headers(from, to, 'Quarterly figures', 'text', ['Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit']) + body);
}

/** multipart/mixed: a short note and an application/octet-stream attachment of `attachmentKiB` KiB, base64. */
export function attachmentMessage({ from, to, attachmentKiB }) {
  const boundary = '=_bench_7f3a9c';
  const attachment = randomBytes(attachmentKiB * 1024, seededRandom(2));
  const base64 = Buffer.from(attachment).toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
  return encode(
    headers(from, to, 'Figures, as a file', 'attachment', [`Content-Type: multipart/mixed; boundary="${boundary}"`]) +
      `--${boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n` +
      'The figures are in the attached file.\r\n' +
      `--${boundary}\r\nContent-Type: application/octet-stream; name="figures.bin"\r\n` +
      'Content-Disposition: attachment; filename="figures.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      `${base64}\r\n--${boundary}--\r\n`,
  );
}

/**
 * The same text message sent to many: every recipient in Bcc (folded, one address a line), To naming
 * nobody, so each sealed copy carries only the short outer header.
 */
export function messageToMany({ from, recipients, bodyKiB }) {
  const text = new TextDecoder().decode(textMessage({ from, to: 'undisclosed-recipients:;', bodyKiB }));
  const bcc = `Bcc: ${recipients.join(',\r\n ')}\r\n`;
  return encode(text.replace('MIME-Version: 1.0\r\n', `${bcc}MIME-Version: 1.0\r\n`));
}

function headers(from, to, subject, id, contentHeaders) {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, 'Date: Mon, 01 Jun 2026 09:30:00 +0000', `Message-ID: <bench-${id}@example.com>`, 'MIME-Version: 1.0', ...contentHeaders, '', ''].join(
    '\r\n',
  );
}

function proseOfLength(length, random) {
  const lines = [];
  let size = 0;
  while (size < length) {
    let line = '';
    while (line.length < 60) line += `${line === '' ? '' : ' '}${WORDS[Math.floor(random() * WORDS.length)]}`;
    line = line[0].toUpperCase() + line.slice(1);
    line = `${line}.`.slice(0, Math.max(1, length - size - 2));
    lines.push(line);
    size += line.length + 2;
  }
  return `${lines.join('\r\n')}\r\n`;
}

function randomBytes(length, random) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** xorshift32: the same "random" text and attachment on every run, so runs compare. */
function seededRandom(seed) {
  let state = (seed * 0x9e3779b9) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

function encode(text) {
  return new TextEncoder().encode(text);
}
