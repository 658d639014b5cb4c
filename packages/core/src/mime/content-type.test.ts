import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type.js';
import { parseParameterizedValue } from './parameters.js';

describe('parseContentType', () => {
  it('lower-cases type, subtype and parameter names, keeps value case', () => {
    expect(parseContentType('Text/HTML; Charset="UTF-8"; Format=Flowed')).toEqual({
      type: 'text',
      subtype: 'html',
      params: { charset: 'UTF-8', format: 'Flowed' },
    });
  });

  it('reads quoted boundaries with every RFC 2046 bchar', () => {
    const boundary = "a b'()+_,-./:=?Z";
    const ct = parseContentType(`multipart/mixed; boundary="${boundary}"`);
    expect(ct.params['boundary']).toBe(boundary);
  });

  it('reads sloppy unquoted values up to ; or whitespace', () => {
    expect(parseContentType('multipart/alternative; boundary=----=_Part_0_123.456').params['boundary']).toBe('----=_Part_0_123.456');
    expect(parseContentType('multipart/mixed;boundary=abc;charset=x').params).toEqual({ boundary: 'abc', charset: 'x' });
  });

  it('handles folding whitespace, comments and escapes', () => {
    const ct = parseContentType('multipart/signed (comment (nested));\r\n    micalg=SHA1 (the digest);  boundary = "a\\"b\\\\c" ; protocol="application/pkcs7-signature"');
    expect(ct).toEqual({
      type: 'multipart',
      subtype: 'signed',
      params: { micalg: 'SHA1', boundary: 'a"b\\c', protocol: 'application/pkcs7-signature' },
    });
  });

  it('joins RFC 2231 continuations and decodes their charset', () => {
    const ct = parseContentType("application/octet-stream; name*0*=utf-8''%E2%82%AC%20rate; name*1=\" for 2024\"; name*2*=%C3%A9.txt; title*=iso-8859-1'en'%A3%20sign; plain*0=a; plain*1=b");
    expect(ct.params['name']).toBe('€ rate for 2024é.txt');
    expect(ct.params['title']).toBe('£ sign');
    expect(ct.params['plain']).toBe('ab');
  });

  it('prefers RFC 2231 sections over a plain parameter and ignores sections after a gap', () => {
    const ct = parseContentType('text/plain; name=plain.txt; name*0=a; name*1=b; name*3=d');
    expect(ct.params['name']).toBe('ab');
  });

  it('leaves a value in an unknown charset undecoded', () => {
    expect(parseContentType("text/plain; name*=x-unknown-cs''%41%42").params['name']).toBe("x-unknown-cs''%41%42");
  });

  it('keeps the first of repeated parameters', () => {
    expect(parseContentType('multipart/mixed; boundary=first; boundary=second').params['boundary']).toBe('first');
  });

  it('falls back to text/plain; charset=us-ascii when type/subtype cannot be read', () => {
    for (const bad of ['', 'text', 'text/', '/plain', 'te xt/plain', 'text/pl@in']) {
      expect(parseContentType(bad)).toEqual({ type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
    }
  });

  it('skips junk parameters without losing the good ones', () => {
    expect(parseContentType('text/plain; ; junk; =x; charset=utf-8 trailing; a="unterminated').params).toEqual({ charset: 'utf-8', a: 'unterminated' });
  });

  it('keeps a parameter called __proto__ as a parameter', () => {
    const params = parseContentType('text/plain; __proto__=x').params;
    expect(params['__proto__']).toBe('x');
    expect(Object.keys(params)).toEqual(['__proto__']);
  });
});

describe('parseParameterizedValue', () => {
  it('reads Content-Disposition', () => {
    expect(parseParameterizedValue('attachment; filename="smime.p7s"')).toEqual({ head: 'attachment', params: { filename: 'smime.p7s' } });
  });
});
