/** GeneralNames (RFC 5280 4.2.1.6) as subjectAltName and nameConstraints carry them. */
import type { BerNode } from '../asn1/ber-reader.js';
import { isContext } from '../asn1/accessors.js';
import { at, expectExplicit, expectOctets, expectSequence, shapeError } from '../asn1/shape.js';
import { latin1Decode } from '../bytes.js';
import { relativeNames } from './name.js';

/** The GeneralName forms, by their context tag number. */
const FORMS = ['otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName', 'ediPartyName', 'uniformResourceIdentifier', 'iPAddress', 'registeredID'] as const;

export type GeneralNameForm = (typeof FORMS)[number];

/**
 * One GeneralName. The text forms are IA5Strings (read as Latin-1, so a non-ASCII octet never
 * matches an ASCII constraint by accident); a directoryName keeps its Name node, an iPAddress its
 * octets; the forms Sealpost does not look into keep only their form.
 */
export type GeneralName =
  | { readonly form: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; readonly text: string }
  | { readonly form: 'directoryName'; readonly name: BerNode }
  | { readonly form: 'iPAddress'; readonly octets: Uint8Array }
  | { readonly form: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID' };

export interface NameConstraints {
  /** Subtrees every name of a form listed here must fall in (RFC 5280 6.1.4 (g)). */
  readonly permitted: readonly GeneralName[];
  /** Subtrees no name may fall in. */
  readonly excluded: readonly GeneralName[];
  /** A subtree with a minimum other than 0 or a maximum, which RFC 5280 4.2.1.10 forbids. */
  readonly bounded: boolean;
}

export function readGeneralName(node: BerNode): GeneralName {
  const form = node.cls === 2 ? FORMS[node.tagNumber] : undefined;
  if (form === undefined) return shapeError('GeneralName: unknown form');
  switch (form) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      if (node.constructed) shapeError(`${form}: expected a primitive value`);
      return { form, text: latin1Decode(expectOctets(node, form)) };
    case 'directoryName': {
      // Name is a CHOICE, so [4] is an explicit tag around it; read it now so matching cannot fail later.
      const name = expectExplicit(node, 4, form);
      relativeNames(name);
      return { form, name };
    }
    case 'iPAddress':
      if (node.constructed) shapeError(`${form}: expected a primitive value`);
      return { form, octets: expectOctets(node, form) };
    default:
      return { form };
  }
}

export function readGeneralNames(node: BerNode, what: string): GeneralName[] {
  return expectSequence(node, what).map(readGeneralName);
}

/**
 * NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] ... }.
 * RFC 5280 4.2.1.10 fixes each subtree's minimum at 0 and forbids a maximum; one that sets them is
 * read (it is well-formed) and flagged, and the path check refuses it rather than guess its meaning.
 */
export function readNameConstraints(node: BerNode): NameConstraints {
  const fields = expectSequence(node, 'nameConstraints');
  const permitted = fields.find((field) => isContext(field, 0));
  const excluded = fields.find((field) => isContext(field, 1));
  if (fields.length === 0 || fields.length !== Number(permitted !== undefined) + Number(excluded !== undefined)) {
    shapeError('nameConstraints: expected permittedSubtrees, excludedSubtrees or both');
  }
  const permittedSubtrees = permitted === undefined ? [] : generalSubtrees(permitted, 'permittedSubtrees');
  const excludedSubtrees = excluded === undefined ? [] : generalSubtrees(excluded, 'excludedSubtrees');
  return {
    permitted: permittedSubtrees.map((subtree) => subtree.base),
    excluded: excludedSubtrees.map((subtree) => subtree.base),
    bounded: [...permittedSubtrees, ...excludedSubtrees].some((subtree) => subtree.bounded),
  };
}

// GeneralSubtrees is [n] IMPLICIT SEQUENCE SIZE (1..MAX) OF GeneralSubtree.
function generalSubtrees(node: BerNode, what: string): { base: GeneralName; bounded: boolean }[] {
  if (!node.constructed || node.children.length === 0) shapeError(`${what}: expected at least one GeneralSubtree`);
  return node.children.map((subtree) => {
    const parts = expectSequence(subtree, 'GeneralSubtree');
    const base = readGeneralName(at(parts, 0, 'GeneralSubtree base'));
    // minimum [0] and maximum [1] are IMPLICIT INTEGERs; a minimum written out as 0 is the default.
    const bounded = parts.slice(1).some((bound) => !isContext(bound, 0) || bound.constructed || bound.contents.some((octet) => octet !== 0));
    return { base, bounded };
  });
}
