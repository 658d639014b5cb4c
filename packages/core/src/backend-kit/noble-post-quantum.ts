import { constantTimeEqual } from '../bytes.js';
import { decryptionFailed, SealpostError } from '../errors.js';
import type { SignatureCheck } from './primitives.js';
import type { KemDecapsulation, KemEncapsulation } from './primitives.js';
import { type MlDsaPrivateKey, mlDsaPrivateKeyOf, type PostQuantumPrivateKey } from './post-quantum.js';

/**
 * ML-KEM (FIPS 203) and ML-DSA (FIPS 204) through @noble/post-quantum, in pure JavaScript, for every backend:
 * WebCrypto, node-forge and OpenSSL 3.0 have neither, so one implementation serves all three (and they agree).
 * Core has read every key and checked every length (a seed or an expanded key of the parameter set, an
 * encapsulation key, a ciphertext, a signature of the right size); this file only runs the algorithms.
 * Experimental, as the capability tables say, until a second implementation agrees.
 *
 * The library is loaded the first time a post-quantum key is used: its modules precompute tables when
 * they load, which every other operation (and every CLI start) would pay for nothing.
 */

async function loadNoble() {
  const [{ ml_dsa44, ml_dsa65, ml_dsa87 }, { ml_kem512, ml_kem768, ml_kem1024 }] = await Promise.all([import('@noble/post-quantum/ml-dsa.js'), import('@noble/post-quantum/ml-kem.js')]);
  return {
    ML_DSA: { 'ml-dsa-44': ml_dsa44, 'ml-dsa-65': ml_dsa65, 'ml-dsa-87': ml_dsa87 },
    ML_KEM: { 'ml-kem-512': ml_kem512, 'ml-kem-768': ml_kem768, 'ml-kem-1024': ml_kem1024 },
  } as const;
}

let loaded: ReturnType<typeof loadNoble> | undefined;

/** @noble/post-quantum's ML-DSA and ML-KEM by parameter set, loaded on first use (the test PKI uses it too). */
export function noble(): ReturnType<typeof loadNoble> {
  if (loaded === undefined) {
    loaded = loadNoble();
    // A failed load is not remembered: the next call tries again.
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}

function inconsistentKey(): SealpostError {
  return new SealpostError('ERR_KEY_MALFORMED', "the private key's seed does not expand to its expanded key");
}

/**
 * The expanded secret key: the seed expanded (FIPS 203 ML-KEM.KeyGen_internal, FIPS 204 ML-DSA.KeyGen_internal),
 * checked against the expanded key when the PKCS#8 holds both (RFC 9935 8, RFC 9881 8).
 */
function secretKeyOf(key: PostQuantumPrivateKey<string>, expand: (seed: Uint8Array) => Uint8Array): Uint8Array {
  if (key.seed === null) return key.expandedKey!;
  const expanded = expand(key.seed);
  if (key.expandedKey !== null && !constantTimeEqual(expanded, key.expandedKey)) throw inconsistentKey();
  return expanded;
}

/** ML-DSA pure mode with the empty context (RFC 9882 3.3), hedged, over the DER signed attributes. */
export async function mlDsaSign(pkcs8: Uint8Array, scheme: MlDsaPrivateKey['parameterSet'], data: Uint8Array): Promise<Uint8Array> {
  const key = mlDsaPrivateKeyOf(pkcs8);
  if (key.parameterSet !== scheme) throw new SealpostError('ERR_KEY_MISMATCH', 'the private key does not belong to the signer certificate');
  const dsa = (await noble()).ML_DSA[key.parameterSet];
  const secretKey = secretKeyOf(key, (seed) => dsa.keygen(seed).secretKey);
  return dsa.sign(data, secretKey);
}

/** FIPS 204 ML-DSA.Verify with the empty context; anything malformed is false. */
export async function mlDsaVerify(check: SignatureCheck): Promise<boolean> {
  if (check.publicKey.kind !== 'ml-dsa') return false;
  const { ML_DSA } = await noble();
  try {
    return ML_DSA[check.publicKey.parameterSet].verify(check.signature, check.data, check.publicKey.key);
  } catch {
    return false;
  }
}

export async function kemEncapsulate(input: KemEncapsulation): Promise<{ ciphertext: Uint8Array; sharedSecret: Uint8Array }> {
  const { ML_KEM } = await noble();
  try {
    const { cipherText, sharedSecret } = ML_KEM[input.parameterSet].encapsulate(input.publicKey);
    return { ciphertext: cipherText, sharedSecret };
  } catch {
    // FIPS 203 7.2's modulus check on the encapsulation key failed: the certificate holds no usable key.
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's ML-KEM key is malformed");
  }
}

export async function kemDecapsulate(input: KemDecapsulation): Promise<Uint8Array> {
  const kem = (await noble()).ML_KEM[input.parameterSet];
  const secretKey = secretKeyOf(input.privateKey, (seed) => kem.keygen(seed).secretKey);
  try {
    return kem.decapsulate(input.ciphertext, secretKey);
  } catch {
    // FIPS 203 7.3's input checks (the hash check on an expanded key): one failure like every other.
    throw decryptionFailed();
  }
}
