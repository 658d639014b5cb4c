import { type Located, type Span, type TreeNode, cloneTree, encodeLength, encodeWithSpans, isUniversal, primitive, tagName, toTree, walk } from './ber-tree.js';
import { applyField, fieldCandidates } from './mutate-fields.js';
import { type BerMutation, FIELD_OPS, type FieldOp } from './mutation.js';

/**
 * Applies one BER mutation to a CMS blob. Returns the input unchanged when the mutation does not
 * apply (no element of the kind it needs, or the blob no longer parses after earlier raw damage).
 */
export function mutateBer(cms: Uint8Array, m: BerMutation): Uint8Array {
  const found = targetOf(cms, m);
  return found === null ? cms : apply(found.root, found.target, m);
}

/** The element a mutation acts on, as "path tag" (e.g. "1.0.4.0.5 OCTET STRING"), or null if none. */
export function describeBerTarget(cms: Uint8Array, m: BerMutation): string | null {
  const found = targetOf(cms, m);
  return found === null ? null : `${found.target.path === '' ? 'root' : found.target.path} ${tagName(found.target.node)}`;
}

function targetOf(cms: Uint8Array, m: BerMutation): { root: TreeNode; target: Located } | null {
  let root: TreeNode;
  try {
    root = toTree(cms);
  } catch {
    return null;
  }
  const all = walk(root);
  const candidates = isFieldOp(m) ? fieldCandidates(all, m) : all.filter((l) => (m.scope === 'all' || !l.inCertificate) && fits(l, m));
  if (candidates.length === 0) return null;
  return { root, target: candidates[m.target % candidates.length]! };
}

function isFieldOp(m: BerMutation): m is BerMutation & FieldOp {
  return FIELD_OPS.has(m.op);
}

/** Which elements a mutation can act on. */
function fits(l: Located, m: BerMutation): boolean {
  const n = l.node;
  switch (m.op) {
    case 'truncate-octets':
      return isUniversal(n, 4) && !n.constructed && n.contents.length > 0;
    case 'constructed-string':
      return isUniversal(n, 4) && !n.constructed && n.contents.length > 1;
    case 'integer':
      return isUniversal(n, 2) && !n.constructed;
    case 'null-parameters': {
      // SEQUENCE { OID, parameters? }; ContentInfo ({ OID, [0] }) and Attribute ({ OID, SET }) look alike and are not.
      const params = n.children[1];
      const algorithmLike = params === undefined || (params.cls === 0 && !isUniversal(params, 17));
      return isUniversal(n, 16) && n.children.length >= 1 && n.children.length <= 2 && isUniversal(n.children[0]!, 6) && algorithmLike;
    }
    case 'reorder-set':
      return n.constructed && n.children.length >= 2 && (isUniversal(n, 17) || n.cls === 2);
    case 'length':
      if (m.form === 'indefinite') return n.constructed && !n.indefinite;
      if (m.form === 'definite') return n.indefinite;
      return true;
    case 'append-trailing':
      return n.constructed;
    case 'duplicate':
    case 'drop':
    case 'replace-with-null':
      return l.parent !== null;
    default:
      return true;
  }
}

function apply(root: TreeNode, l: Located, m: BerMutation): Uint8Array {
  const n = l.node;
  if (isFieldOp(m)) {
    applyField(l, m);
    return encodeWithSpans(root).bytes;
  }
  switch (m.op) {
    case 'flip-byte':
    case 'insert-byte':
    case 'delete-byte':
    case 'change-tag':
      return rawEdit(root, n, m);
    case 'length':
      if (m.form === 'too-long' || m.form === 'too-short') return lieAboutLength(root, n, m.form, m.delta);
      if (m.form === 'indefinite') n.indefinite = true;
      else if (m.form === 'definite') n.indefinite = false;
      else n.lengthOctets = 1 + (m.delta % 4);
      break;
    case 'duplicate':
      l.parent!.children.splice(l.index + 1, 0, cloneTree(n));
      break;
    case 'drop':
      l.parent!.children.splice(l.index, 1);
      break;
    case 'replace-with-null':
      l.parent!.children[l.index] = primitive(0x05, new Uint8Array(0));
      break;
    case 'append-trailing':
      n.children.push(trailing(m.value));
      break;
    case 'truncate-octets':
      n.contents = n.contents.slice(0, m.keep % n.contents.length);
      break;
    case 'integer':
      n.contents = integerVariant(n.contents, m.form);
      break;
    case 'null-parameters':
      nullParameters(n, m.form);
      break;
    case 'reorder-set': {
      const k = 1 + (m.rotate % (n.children.length - 1));
      n.children = [...n.children.slice(k), ...n.children.slice(0, k)];
      break;
    }
    case 'constructed-string': {
      const at = 1 + (m.split % (n.contents.length - 1));
      const segments = [primitive(0x04, n.contents.slice(0, at)), primitive(0x04, n.contents.slice(at))];
      Object.assign(n, { identifier: Uint8Array.of(n.identifier[0]! | 0x20), constructed: true, contents: new Uint8Array(0), children: segments, indefinite: m.indefinite });
      break;
    }
  }
  return encodeWithSpans(root).bytes;
}

function rawEdit(root: TreeNode, node: TreeNode, m: BerMutation): Uint8Array {
  const { bytes, spans } = encodeWithSpans(root);
  const span = spans.get(node)!;
  const at = span.start + offsetWithin(span, m);
  const out = Array.from(bytes);
  if (m.op === 'flip-byte') out[at] = out[at]! ^ (1 + (m.mask % 255));
  else if (m.op === 'insert-byte') out.splice(at, 0, m.value & 0xff);
  else if (m.op === 'delete-byte') out.splice(at, 1);
  else if (m.op === 'change-tag') {
    // A "change" to the same tag would be no mutation at all.
    const value = m.value & 0xff;
    out[span.start] = value === out[span.start] ? value ^ 0x01 : value;
  }
  return Uint8Array.from(out);
}

function offsetWithin(span: Span, m: BerMutation): number {
  const length = span.end - span.start;
  return 'offset' in m ? m.offset % length : 0;
}

/** Rewrites the length octets with a wrong value; the contents stay as they are. */
function lieAboutLength(root: TreeNode, node: TreeNode, form: 'too-long' | 'too-short', delta: number): Uint8Array {
  const { bytes, spans } = encodeWithSpans(root);
  const span = spans.get(node)!;
  const contentsLength = span.end - span.contentsStart - (node.indefinite ? 2 : 0);
  const step = 1 + (delta % 16);
  const wrong = form === 'too-long' ? contentsLength + step : Math.max(0, contentsLength - step);
  return Buffer.concat([bytes.subarray(0, span.start), node.identifier, encodeLength(wrong), bytes.subarray(span.contentsStart)]);
}

function trailing(value: 'null' | 'octets' | 'context-0' | 'integer'): TreeNode {
  if (value === 'null') return primitive(0x05, new Uint8Array(0));
  if (value === 'octets') return primitive(0x04, Uint8Array.of(0xde, 0xad));
  if (value === 'integer') return primitive(0x02, Uint8Array.of(0x01));
  return primitive(0x80, Uint8Array.of(0x00));
}

function integerVariant(contents: Uint8Array, form: 'leading-zero' | 'leading-ff' | 'empty' | 'negate' | 'huge'): Uint8Array {
  if (form === 'leading-zero') return Uint8Array.of(0x00, ...contents);
  if (form === 'leading-ff') return Uint8Array.of(0xff, ...contents);
  if (form === 'empty') return new Uint8Array(0);
  if (form === 'huge') return Uint8Array.of(0x7f, ...new Uint8Array(40).fill(0xff));
  // Two's complement negation flips the sign bit's meaning: a serial or version turns negative.
  const out = contents.length === 0 ? Uint8Array.of(0x80) : contents.slice();
  out[0] = out[0]! ^ 0x80;
  return out;
}

function nullParameters(algorithm: TreeNode, form: 'toggle' | 'non-empty' | 'octets'): void {
  const params = algorithm.children[1];
  if (form === 'toggle') {
    if (params === undefined) algorithm.children.push(primitive(0x05, new Uint8Array(0)));
    else if (isUniversal(params, 5)) algorithm.children.splice(1, 1);
    else algorithm.children[1] = primitive(0x05, new Uint8Array(0));
    return;
  }
  const replacement = form === 'non-empty' ? primitive(0x05, Uint8Array.of(0x00)) : primitive(0x04, new Uint8Array(0));
  if (params === undefined) algorithm.children.push(replacement);
  else algorithm.children[1] = replacement;
}
