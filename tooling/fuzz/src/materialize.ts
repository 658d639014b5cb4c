import { mutateBase64, base64Lines, decodeRegion, findCmsRegion } from './mutate-base64.js';
import { describeBerTarget, mutateBer } from './mutate-ber.js';
import { mutateMime } from './mutate-mime.js';
import type { Base64Mutation, BerMutation, MimeMutation, Mutation } from './mutation.js';

/**
 * The mutated message. Mutations apply innermost first whatever their order in the list: BER on the
 * CMS (then re-wrapped as base64 in the same place, so it still reaches the CMS reader), then base64
 * on that text, then MIME on the whole message. Each layer is located before the outer one is damaged.
 */
export function materialize(message: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let text = Buffer.from(message).toString('latin1');
  const ber = mutations.filter((m): m is BerMutation => m.level === 'ber');
  const b64 = mutations.filter((m): m is Base64Mutation => m.level === 'base64');
  const mime = mutations.filter((m): m is MimeMutation => m.level === 'mime');
  const region = findCmsRegion(text);
  if (region !== null && (ber.length > 0 || b64.length > 0)) {
    let body = text.slice(region.start, region.end);
    // The re-wrapped lines end as the region's did: an LF-stored message stays LF-stored.
    if (ber.length > 0) body = base64Lines(ber.reduce(mutateBer, decodeRegion(text, region)), body.includes('\r\n') || !body.includes('\n') ? '\r\n' : '\n');
    body = b64.reduce(mutateBase64, body);
    text = text.slice(0, region.start) + body + text.slice(region.end);
  }
  text = mime.reduce(mutateMime, text);
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/**
 * For each mutation, the BER element it hit ("1.0.4.0.5 OCTET STRING"), "no target" when it had none,
 * or null for base64 and MIME mutations: reports name the element, not only its index among candidates.
 */
export function berTargets(message: Uint8Array, mutations: readonly Mutation[]): (string | null)[] {
  const text = Buffer.from(message).toString('latin1');
  const region = findCmsRegion(text);
  let cms = region === null ? null : decodeRegion(text, region);
  const berInOrder = mutations.filter((m): m is BerMutation => m.level === 'ber');
  const named = new Map<Mutation, string>();
  for (const m of berInOrder) {
    named.set(m, cms === null ? 'no target' : (describeBerTarget(cms, m) ?? 'no target'));
    if (cms !== null) cms = mutateBer(cms, m);
  }
  return mutations.map((m) => named.get(m) ?? null);
}
