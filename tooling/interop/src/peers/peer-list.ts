import type { ActorFactory } from '../actor.js';
import { gpgsmPeer } from './gpgsm.js';
import { nssPeer } from './nss.js';
import { opensslPeer } from './openssl.js';

export const PEER_IDS = ['openssl', 'nss', 'gpgsm'] as const;
export type PeerId = (typeof PEER_IDS)[number];

export const PEER_FACTORIES: Readonly<Record<PeerId, ActorFactory>> = { openssl: opensslPeer, nss: nssPeer, gpgsm: gpgsmPeer };

export function isPeerId(value: string): value is PeerId {
  return (PEER_IDS as readonly string[]).includes(value);
}

/**
 * The peers named by a SEALPOST_INTEROP_PEERS value ("openssl,nss,gpgsm"); every peer when unset.
 * An unknown name is an error rather than a peer quietly left out.
 */
export function peersFromSetting(value: string | undefined): PeerId[] {
  if (value === undefined) return [...PEER_IDS];
  const names = value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n.length > 0);
  const unknown = names.filter((n) => !isPeerId(n));
  if (unknown.length > 0) throw new RangeError(`unknown peer ${unknown.join(', ')} in SEALPOST_INTEROP_PEERS (known: ${PEER_IDS.join(', ')})`);
  return PEER_IDS.filter((id) => names.includes(id));
}
