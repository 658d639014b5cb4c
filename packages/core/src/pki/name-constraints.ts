/**
 * Name constraints on a certification path (RFC 5280 4.2.1.10, 6.1.3 (b)-(c), 6.1.4 (g)), processed
 * whether or not the extension is marked critical: an issuer's permitted and excluded subtrees bind
 * every certificate below it. rfc822Name, dNSName, iPAddress and directoryName constraints are
 * checked; a constraint on any other form refuses a certificate that carries a name of that form.
 */
import { decodeAsn1, stringOf } from '../asn1/shape.js';
import type { BerNode } from '../asn1/ber-reader.js';
import { OID } from '../asn1/oids.js';
import { bytesEqual } from '../bytes.js';
import type { CertificateDetails } from './certificate.js';
import type { GeneralName, GeneralNameForm, NameConstraints } from './general-name.js';
import { formatName, nameValues, relativeNames, type Attribute } from './name.js';
import type { ChainError } from './types.js';

const PROCESSED_FORMS: ReadonlySet<GeneralNameForm> = new Set(['rfc822Name', 'dNSName', 'iPAddress', 'directoryName']);

interface PathCertificate {
  readonly details: CertificateDetails;
}

/** Every name-constraint violation on `path` (leaf first, anchor last), under the anchor's constraints too. */
export function nameConstraintErrors(path: readonly PathCertificate[]): ChainError[] {
  const errors: ChainError[] = [];
  path.forEach((issuer, index) => {
    const constraints = issuer.details.nameConstraints;
    if (index === 0 || constraints === null) return;
    const issuerName = issuer.details.info.subject;
    if (constraints.bounded) {
      errors.push(violation(`the name constraints of "${issuerName}" set a subtree minimum or maximum, which RFC 5280 forbids`));
      return;
    }
    // RFC 5280 6.1.3 (b): a self-issued CA certificate below is not held to them, the leaf always is.
    path.slice(0, index).forEach((below, belowIndex) => {
      if (belowIndex > 0 && below.details.info.selfIssued) return;
      errors.push(...certificateErrors(below.details, constraints, issuerName));
    });
  });
  return errors;
}

function violation(message: string): ChainError {
  return { code: 'ERR_NAME_CONSTRAINTS', message };
}

function certificateErrors(certificate: CertificateDetails, constraints: NameConstraints, issuerName: string): ChainError[] {
  const subject = certificate.info.subject;
  const errors: ChainError[] = [];
  for (const name of namesOf(certificate)) {
    if (!PROCESSED_FORMS.has(name.form)) {
      if ([...constraints.permitted, ...constraints.excluded].some((subtree) => subtree.form === name.form)) {
        errors.push(violation(`the name constraints of "${issuerName}" constrain ${name.form} names, which Sealpost does not process, and "${subject}" has one`));
      }
      continue;
    }
    const permitted = constraints.permitted.filter((subtree) => subtree.form === name.form);
    if (permitted.length > 0 && !permitted.some((subtree) => within(name, subtree))) {
      errors.push(violation(`${describe(name)} in "${subject}" is not permitted by the name constraints of "${issuerName}"`));
    } else if (constraints.excluded.some((subtree) => subtree.form === name.form && within(name, subtree))) {
      errors.push(violation(`${describe(name)} in "${subject}" is excluded by the name constraints of "${issuerName}"`));
    }
  }
  return errors;
}

/**
 * The names a constraint applies to: the subject DN (when not empty), every subjectAltName, and the
 * subject's emailAddress attributes as rfc822Names (RFC 5280 4.2.1.10 binds those to rfc822Name
 * constraints; Sealpost matches From against them too).
 */
function namesOf(certificate: CertificateDetails): GeneralName[] {
  const subject = decodeAsn1(certificate.info.subjectDer, 'subject');
  const subjectNames: GeneralName[] = relativeNames(subject).length === 0 ? [] : [{ form: 'directoryName', name: subject }];
  const emailAttributes = nameValues(subject, OID.emailAddress).map((text): GeneralName => ({ form: 'rfc822Name', text }));
  return [...subjectNames, ...emailAttributes, ...certificate.subjectAltNames];
}

function within(name: GeneralName, subtree: GeneralName): boolean {
  if (name.form === 'rfc822Name' && subtree.form === 'rfc822Name') return mailboxWithin(name.text, subtree.text);
  if (name.form === 'dNSName' && subtree.form === 'dNSName') return hostWithin(name.text, subtree.text);
  if (name.form === 'iPAddress' && subtree.form === 'iPAddress') return addressWithin(name.octets, subtree.octets);
  if (name.form === 'directoryName' && subtree.form === 'directoryName') return directoryWithin(name.name, subtree.name);
  return false;
}

/**
 * RFC 5280 4.2.1.10: "local@host" is that one mailbox, "host" every mailbox on exactly that host,
 * ".domain" every mailbox on a host below it (not on the domain itself). Domains compare without
 * case, local parts exactly. Something that is not local@domain is in no subtree, so it can only
 * ever fail a permitted constraint.
 */
function mailboxWithin(address: string, subtree: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const subtreeAt = subtree.lastIndexOf('@');
  if (subtreeAt >= 0) return local === subtree.slice(0, subtreeAt) && domain === subtree.slice(subtreeAt + 1).toLowerCase();
  const base = subtree.toLowerCase();
  return base.startsWith('.') ? domain.endsWith(base) : domain === base;
}

/** A dNSName subtree holds the host and every host below it; a leading dot (a common reading) only those below. */
function hostWithin(host: string, subtree: string): boolean {
  const name = host.toLowerCase();
  const base = subtree.toLowerCase();
  if (base === '') return true;
  if (base.startsWith('.')) return name.endsWith(base);
  return name === base || name.endsWith(`.${base}`);
}

/** An iPAddress subtree is an address and a mask of the same family: 8 octets for IPv4, 32 for IPv6. */
function addressWithin(address: Uint8Array, subtree: Uint8Array): boolean {
  if ((address.length !== 4 && address.length !== 16) || subtree.length !== address.length * 2) return false;
  return address.every((octet, i) => {
    const mask = subtree[address.length + i] ?? 0;
    return (octet & mask) === ((subtree[i] ?? 0) & mask);
  });
}

/** A directoryName subtree holds every Name that starts with its RDNs (RFC 5280 7.1 comparison). */
function directoryWithin(name: BerNode, subtree: BerNode): boolean {
  const names = relativeNames(name);
  const bases = relativeNames(subtree);
  return bases.length <= names.length && bases.every((rdn, i) => sameRdn(names[i] ?? [], rdn));
}

function sameRdn(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  return a.length === b.length && a.every((attribute) => b.some((other) => sameAttribute(attribute, other)));
}

/**
 * Attribute values compare as RFC 5280 7.1 asks for the directory string types: whatever the string
 * type, case-insensitively, with surrounding spaces dropped and inner runs of white space as one space
 * (so re-encoding a name as PrintableString or changing its case cannot step out of an excluded
 * subtree). Values that are not strings compare by their encoding.
 */
function sameAttribute(a: Attribute, b: Attribute): boolean {
  if (a.type !== b.type) return false;
  const textA = comparableText(a.value);
  const textB = comparableText(b.value);
  return textA !== null && textB !== null ? textA === textB : bytesEqual(a.value.raw, b.value.raw);
}

function comparableText(value: BerNode): string | null {
  const text = stringOf(value, 'attribute value');
  return text === null ? null : text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function describe(name: GeneralName): string {
  switch (name.form) {
    case 'rfc822Name':
      return `the address "${name.text}"`;
    case 'dNSName':
      return `the host name "${name.text}"`;
    case 'directoryName':
      return `the name "${formatName(name.name)}"`;
    case 'iPAddress':
      return `the IP address ${formatAddress(name.octets)}`;
    default:
      return `a ${name.form}`;
  }
}

function formatAddress(octets: Uint8Array): string {
  if (octets.length === 4) return [...octets].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < octets.length; i += 2) groups.push((((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0)).toString(16));
  return groups.length === 8 ? groups.join(':') : `of ${octets.length} octets`;
}
