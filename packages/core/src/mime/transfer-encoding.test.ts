import { describe, expect, it } from 'vitest';
import { base64Encode, bytesEqual, latin1Decode, latin1Encode, utf8Decode } from '../bytes.js';
import { parseMime } from './parse.js';
import { decodeBody, quotedPrintableDecode, transferEncodingOf } from './transfer-encoding.js';

const b = latin1Encode;

describe('transferEncodingOf', () => {
  it('reads the mechanism case-insensitively, without comments, 7bit when absent', () => {
    expect(transferEncodingOf(parseMime(b('Content-Transfer-Encoding: BASE64\r\n\r\n')))).toBe('base64');
    expect(transferEncodingOf(parseMime(b('Content-Transfer-Encoding: (old) Quoted-Printable (x)\r\n\r\n')))).toBe('quoted-printable');
    expect(transferEncodingOf(parseMime(b('Subject: x\r\n\r\n')))).toBe('7bit');
  });
});

describe('decodeBody', () => {
  it('decodes base64 across line breaks and stray whitespace', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const e = parseMime(b(`Content-Transfer-Encoding: base64\r\n\r\n${base64Encode(data, 76).replace(/\r\n/g, ' \n')}\r\n`));
    expect(bytesEqual(decodeBody(e), data)).toBe(true);
  });

  it('decodes quoted-printable', () => {
    const e = parseMime(b('Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =e2=82=ac soft=\r\nbreak\r\nline2\r\n'));
    expect(utf8Decode(decodeBody(e))).toBe('café € softbreak\r\nline2\r\n');
  });

  it('returns 7bit, 8bit, binary and unknown encodings as is', () => {
    for (const cte of ['7bit', '8bit', 'binary', 'x-uuencode']) {
      const e = parseMime(b(`Content-Transfer-Encoding: ${cte}\r\n\r\n\u00e9=41 QUFB\r\n`));
      expect(latin1Decode(decodeBody(e))).toBe('\u00e9=41 QUFB\r\n');
    }
    const none = parseMime(b('Subject: x\r\n\r\nraw'));
    expect(decodeBody(none)).toBe(none.body);
  });
});

describe('quotedPrintableDecode', () => {
  const qp = (text: string) => latin1Decode(quotedPrintableDecode(b(text)));

  it('handles soft line breaks, with trailing whitespace and bare LF', () => {
    expect(qp('a=\r\nb=  \r\nc=\nd')).toBe('abcd');
    expect(qp('end=')).toBe('end');
  });

  it('drops whitespace that trails a line but keeps encoded whitespace', () => {
    expect(qp('a  \r\nb\t\nc=20\r\n')).toBe('a\r\nb\nc \r\n');
  });

  it('keeps an = that starts no valid escape', () => {
    expect(qp('a=G1 b=4 = c=3D')).toBe('a=G1 b=4 = c=');
  });

  it('keeps hard line breaks as they were', () => {
    expect(qp('x\r\n\r\ny\n')).toBe('x\r\n\r\ny\n');
  });
});
