/**
 * Where a certificate's revocation status is published: the OCSP responders of its
 * authorityInfoAccess extension (RFC 5280 4.2.2.1) and the CRLs of its cRLDistributionPoints
 * (4.2.1.13). Both are non-critical pointers: one that cannot be read is no pointer, never a reason
 * to refuse the certificate, so these readers return what they can and never throw.
 */
import { childrenOf, isContext, isUniversal, oidOf } from '../asn1/accessors.js';
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { latin1Decode } from '../bytes.js';
import { OID } from '../asn1/oids.js';

export interface RevocationPointers {
  /** OCSP responder URIs, as written (any scheme; the checker uses http: only). */
  readonly ocsp: readonly string[];
  /** Full names of distribution points that cover every reason and name no other CRL issuer. */
  readonly crl: readonly string[];
}

/** More than this many pointers of one kind is not a real certificate's; the rest are ignored. */
const MAX_POINTERS = 8;
/** A URI longer than this is not fetched. */
const MAX_URI_LENGTH = 2048;

/** AuthorityInfoAccessSyntax: the uniformResourceIdentifier locations of id-ad-ocsp. */
export function readAuthorityInfoAccess(value: BerNode): string[] {
  if (!isUniversal(value, TAG.SEQUENCE)) return [];
  const out: string[] = [];
  for (const description of childrenOf(value) ?? []) {
    const [method, location] = childrenOf(description) ?? [];
    if (oidOf(method) !== OID.ocsp) continue;
    const uri = uriOf(location);
    if (uri !== null && out.length < MAX_POINTERS) out.push(uri);
  }
  return out;
}

/**
 * CRLDistributionPoints: the URIs of each point's fullName. A point limited to some reasons or
 * naming a cRLIssuer (partitioned and indirect CRLs, which this checker does not process) is skipped,
 * so no CRL is taken as complete that is not.
 */
export function readCrlDistributionPoints(value: BerNode): string[] {
  if (!isUniversal(value, TAG.SEQUENCE)) return [];
  const out: string[] = [];
  for (const point of childrenOf(value) ?? []) {
    const fields = childrenOf(point) ?? [];
    if (fields.some((field) => isContext(field, 1) || isContext(field, 2))) continue;
    const name = fields.find((field) => isContext(field, 0));
    // distributionPoint [0] holds a DistributionPointName CHOICE, whose fullName is [0] GeneralNames.
    const fullName = childrenOf(name)?.find((choice) => isContext(choice, 0));
    for (const general of childrenOf(fullName) ?? []) {
      const uri = uriOf(general);
      if (uri !== null && out.length < MAX_POINTERS) out.push(uri);
    }
  }
  return out;
}

/** A GeneralName uniformResourceIdentifier [6] IA5String of printable ASCII, else null. */
function uriOf(node: BerNode | undefined): string | null {
  if (node === undefined || !isContext(node, 6) || node.constructed) return null;
  if (node.contents.length === 0 || node.contents.length > MAX_URI_LENGTH) return null;
  if (node.contents.some((byte) => byte <= 0x20 || byte >= 0x7f)) return null;
  return latin1Decode(node.contents);
}
