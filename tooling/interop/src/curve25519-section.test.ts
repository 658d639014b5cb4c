import { describe, expect, it } from 'vitest';
import { type PairOutcome, SECTION_END, SECTION_START, normalizeError, renderCurve25519Section, sectionOf, withSection } from './curve25519-section.js';

const OPENSSL_SIGN =
  '40E7C206837F0000:error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest:../providers/implementations/signature/eddsa_sig.c:99:\n' +
  '40E7C206837F0000:error:17000067:CMS routines:CMS_final:cms datafinal error:../crypto/cms/cms_smime.c:939:\n';

describe('the Ed25519 / X25519 section of docs/interop.md', () => {
  it("keeps OpenSSL's error codes and reasons, without the thread id, source file and line", () => {
    expect(normalizeError(OPENSSL_SIGN)).toBe('error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest: error:17000067:CMS routines:CMS_final:cms datafinal error');
    expect(normalizeError('CMS Verification failure\n40B7BF32A77F0000:error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest:../providers/x.c:99:\n')).toBe(
      'CMS Verification failure: error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest',
    );
    expect(normalizeError('40073E244B7F0000:error:17000080:CMS routines:CMS_add1_signer:no default digest:../crypto/cms/cms_sd.c:356:pkey nid=1087')).toBe(
      'error:17000080:CMS routines:CMS_add1_signer:no default digest',
    );
    expect(normalizeError('Exception in thread "main" org.bouncycastle.cms.CMSException: signature does not verify\n\tat SealpostBc')).toBe(
      'Exception in thread "main" org.bouncycastle.cms.CMSException: signature does not verify',
    );
  });

  it('renders each operation as producer rows and consumer columns, one note per distinct refusal, and the failures', () => {
    const participants = ['Sealpost pkijs', 'BouncyCastle', 'OpenSSL cms'];
    const refusal = (consumer: string): PairOutcome => ({
      operation: 'ed25519-detached',
      producer: 'OpenSSL cms',
      consumer,
      status: 'refused',
      refusedBy: { party: 'OpenSSL cms', command: 'openssl cms -sign -md sha512' },
      detail: 'error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest',
    });
    const outcomes: PairOutcome[] = [
      { operation: 'ed25519-detached', producer: 'Sealpost pkijs', consumer: 'Sealpost pkijs', status: 'pass' },
      { operation: 'ed25519-detached', producer: 'Sealpost pkijs', consumer: 'BouncyCastle', status: 'fail', detail: 'SealpostBc verify: a | b' },
      {
        operation: 'ed25519-detached',
        producer: 'Sealpost pkijs',
        consumer: 'OpenSSL cms',
        status: 'refused',
        refusedBy: { party: 'OpenSSL cms', command: 'openssl cms -verify' },
        detail: 'CMS Verification failure',
      },
      { operation: 'ed25519-detached', producer: 'BouncyCastle', consumer: 'OpenSSL cms', status: 'unexpected', detail: 'OpenSSL cms read it' },
      ...participants.map(refusal),
    ];
    const section = renderCurve25519Section({ participants, versions: ['BouncyCastle 1.72', 'OpenSSL 3.0'], outcomes });
    expect(section.startsWith(`${SECTION_START}\n`)).toBe(true);
    expect(section.endsWith(SECTION_END)).toBe(true);
    expect(section).toContain('| **Sealpost pkijs** | ✅ | ❌ FAIL: SealpostBc verify: a \\| b | ➖ OpenSSL cms [1] |');
    expect(section).toContain('| **BouncyCastle** | — | — | ⚠️ unexpected: OpenSSL cms read it |');
    expect(section).toContain('| **OpenSSL cms** | ➖ OpenSSL cms [2] | ➖ OpenSSL cms [2] | ➖ OpenSSL cms [2] |');
    expect(section).toContain('1. **OpenSSL cms**, `openssl cms -verify`: `CMS Verification failure`');
    expect(section).toContain('2. **OpenSSL cms**, `openssl cms -sign -md sha512`: `error:1C80007A:Provider routines:eddsa_digest_signverify_init:invalid digest`');
    expect(section).toContain('Failures: Sealpost pkijs → BouncyCastle (ed25519-detached); BouncyCastle → OpenSSL cms (ed25519-detached).');
    // Operations nobody ran have no table.
    expect(section).not.toContain('X25519 key agreement');
  });

  it('a rewritten page keeps the section: replaced where it was, else put before the controls', () => {
    const section = `${SECTION_START}\nnew\n${SECTION_END}`;
    const page = '# Interop matrix\n\n## Unsupported cells explained\n\nx\n\n## Controls\n\ny\n';
    const placed = withSection(page, section);
    expect(placed).toBe(`# Interop matrix\n\n## Unsupported cells explained\n\nx\n\n${section}\n\n## Controls\n\ny\n`);
    expect(sectionOf(placed)).toBe(section);
    const replaced = withSection(placed, `${SECTION_START}\nnewer $& $1\n${SECTION_END}`);
    expect(sectionOf(replaced)).toBe(`${SECTION_START}\nnewer $& $1\n${SECTION_END}`);
    expect(replaced.replace(sectionOf(replaced)!, '')).toBe(placed.replace(section, ''));
    expect(withSection('# page\n', section)).toBe(`# page\n\n${section}\n`);
    expect(sectionOf(page)).toBeUndefined();
  });
});
