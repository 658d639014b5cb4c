import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { OID, der, pemEncode } from '@sealpost/core';

export interface TlsCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const HOUR = 60 * 60 * 1000;

/**
 * A self-signed TLS server certificate for `localhost` and 127.0.0.1, valid for a day, made with
 * node:crypto (EC P-256) and core's DER writer, so the demo needs no openssl binary. A client that
 * is given this certificate as its only CA verifies the server properly, host name included.
 */
export function makeLocalhostCertificate(now = new Date()): TlsCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const name = der.sequence(der.setOf([der.sequence(der.oid(OID.commonName), der.utf8String('localhost'))]));
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.unsignedInteger(Uint8Array.of(0x01, ...randomBytes(15))),
    algorithm,
    name,
    der.sequence(der.time(new Date(now.getTime() - HOUR)), der.time(new Date(now.getTime() + 24 * HOUR))),
    name,
    spki,
    der.explicit(3, der.sequence(...extensions())),
  );
  const signature = new Uint8Array(sign('sha256', tbs, privateKey));
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  return {
    certPem: pemEncode(certificate, 'CERTIFICATE'),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extensions(): Uint8Array[] {
  const dnsName = der.implicitPrimitive(2, new TextEncoder().encode('localhost'));
  const ipAddress = der.implicitPrimitive(7, Uint8Array.of(127, 0, 0, 1));
  return [
    extension(OID.basicConstraints, true, der.sequence()),
    extension(OID.keyUsage, true, der.namedBits([0])), // digitalSignature
    extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, der.sequence(dnsName, ipAddress)),
  ];
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}
