import { describe, expect, it } from 'vitest';
import { nssSignerProblem, nssSignerReport } from './nss-status.js';

// Output of `cmsutil -D -n -h 1` (NSS 3.87), which exits 0 in every one of these cases.
const good = 'SMIME: \tlevel=1.2; type=signedData; nsigners=1; \n\t\tsigner0.id="Alice Example"; signer0.status=GoodSignature; \n\tlevel=1.1; type=data; \n';
const mismatch = good.replace('GoodSignature', 'DigestMismatch');
const untrusted = 'SMIME: \tlevel=1.2; type=signedData; nsigners=1; \n\t\tsigner0.id="Mallory Example"; signer0.status=SigningCertNotTrusted; \n';
const none = 'SMIME: \tlevel=1.2; type=signedData; nsigners=0; \n\tlevel=1.1; type=data; \n';

describe('nssSignerProblem', () => {
  it('accepts one good signer', () => {
    expect(nssSignerReport(good)).toEqual({ declared: 1, statuses: ['GoodSignature'] });
    expect(nssSignerProblem(nssSignerReport(good))).toBeNull();
  });

  it('names every signer that is not GoodSignature', () => {
    expect(nssSignerProblem(nssSignerReport(mismatch))).toBe('signer0.status=DigestMismatch');
    expect(nssSignerProblem(nssSignerReport(untrusted))).toBe('signer0.status=SigningCertNotTrusted');
    const twoSigners = good.replace('nsigners=1', 'nsigners=2') + '\t\tsigner1.id="Bob"; signer1.status=BadSignature; \n';
    expect(nssSignerProblem(nssSignerReport(twoSigners))).toBe('signer1.status=BadSignature');
  });

  it('refuses a SignedData without signers, and a status count that disagrees with nsigners', () => {
    expect(nssSignerProblem(nssSignerReport(none))).toBe('no SignerInfo reported');
    expect(nssSignerProblem(nssSignerReport(good.replace('nsigners=1', 'nsigners=2')))).toBe('nsigners=2 but 1 statuses');
    expect(nssSignerProblem(nssSignerReport(''))).toBe('no SignerInfo reported');
  });
});
