/** X.501 Names: RFC 4514 strings for display and attribute lookup. */
import type { BerNode } from '../asn1/ber-reader.js';
import { at, expectOid, expectSequence, expectSet, stringOf } from '../asn1/shape.js';
import { OID } from '../asn1/oids.js';
import { toHex } from '../bytes.js';

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.streetAddress]: 'STREET',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.title]: 'T',
  [OID.givenName]: 'GN',
  [OID.uid]: 'UID',
  [OID.domainComponent]: 'DC',
  [OID.emailAddress]: 'E',
};

export interface Attribute {
  readonly type: string;
  readonly value: BerNode;
}

/** The RDNs of a Name, most general first as encoded, each a list of its attributes. */
export function relativeNames(name: BerNode): Attribute[][] {
  return expectSequence(name, 'Name').map((rdn) =>
    expectSet(rdn, 'RelativeDistinguishedName').map((atv) => {
      const parts = expectSequence(atv, 'AttributeTypeAndValue');
      return { type: expectOid(at(parts, 0, 'attribute type'), 'attribute type'), value: at(parts, 1, 'attribute value') };
    }),
  );
}

/** RFC 4514 string: most specific RDN first ("CN=Alice,O=Example"), multi-valued RDNs joined by "+". */
export function formatName(name: BerNode): string {
  return relativeNames(name)
    .reverse()
    .map((rdn) => rdn.map(formatAttribute).join('+'))
    .join(',');
}

function formatAttribute(attribute: Attribute): string {
  const type = SHORT_NAMES[attribute.type] ?? attribute.type;
  const text = stringOf(attribute.value, 'attribute value');
  // RFC 4514 2.4: values that are not strings are written as "#" and the hex of their encoding.
  return `${type}=${text === null ? `#${toHex(attribute.value.raw)}` : escapeValue(text)}`;
}

function escapeValue(text: string): string {
  let out = text.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (/^[ #]/.test(out)) out = `\\${out}`;
  if (text.length > 1 && text.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** String values of every attribute of the given type, in encoding order. */
export function nameValues(name: BerNode, type: string): string[] {
  return relativeNames(name)
    .flat()
    .filter((attribute) => attribute.type === type)
    .flatMap((attribute) => {
      const text = stringOf(attribute.value, 'attribute value');
      return text === null ? [] : [text];
    });
}
