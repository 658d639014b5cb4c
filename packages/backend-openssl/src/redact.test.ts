import { describe, expect, it } from 'vitest';
import { redactStderr } from './redact.js';

describe('redactStderr', () => {
  it('keeps ordinary OpenSSL error lines', () => {
    const line = '40A76270927F0000:error:1700009E:CMS routines:CMS_SignerInfo_verify:verification failure:../crypto/cms/cms_sd.c:919:';
    expect(redactStderr(`CMS Verification failure\n${line}\n`)).toBe(`CMS Verification failure\n${line}`);
  });

  it('removes PEM blocks, hex dumps, base64 runs and the given paths', () => {
    const text = [
      'loading /tmp/sealpost-openssl-AbC123/signer-0-key.der',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      '-----END PRIVATE KEY-----',
      'priv: 00:c3:7a:91:5e:22:af:10:9b:44:de:71:0c:aa:19:2f:88:01:7e:33',
      'k=0123456789abcdef0123456789abcdef0123',
    ].join('\n');
    const out = redactStderr(text, ['/tmp/sealpost-openssl-AbC123']);
    expect(out).toBe('loading <tmp>/signer-0-key.der\n[PEM block removed]\npriv: [hex removed]\nk=[hex removed]');
    expect(redactStderr('x=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w==')).toBe('x=[base64 removed]');
  });

  it('removes an unterminated PEM block too', () => {
    expect(redactStderr('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB...')).toBe('[PEM block removed]');
  });

  it('keeps the first four non-empty lines, each at most 240 characters', () => {
    const out = redactStderr(`\n${'a b '.repeat(100)}\n2\n\n3\n4\n5\n`);
    const lines = out.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.length).toBe(243);
    expect(lines.slice(1)).toEqual(['2', '3', '4']);
  });
});
