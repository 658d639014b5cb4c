// The raw primitives under each row: the cryptographic work Sealpost does for an operation, done
// directly with WebCrypto and with node:crypto, with no MIME, no CMS and no verdict. Keys are imported
// once, outside the timed region: that is what the hardware and Node's OpenSSL can do at best, the
// limit a row's ratio is taken against.
//
// What each operation costs, cryptographically (an approximation that leaves out only small work):
//   sign     the digest of the content (SHA-256; SHA-512 for Ed25519 and ML-DSA) + one signature over the
//            signed attributes (SIGNED_ATTRIBUTES bytes)
//   verify   the digest of the content + the signer's signature + the CA's signature on the signer's certificate
//   encrypt  one key transport (RSA public operation; ephemeral ECDH or X25519 + X9.63 KDF + AES key wrap;
//            ML-KEM encapsulation + HKDF + AES key wrap) + the content cipher
//   decrypt  one key transport the other way (RSA private operation; ECDH or X25519 + KDF + unwrap; ML-KEM
//            decapsulation + HKDF + unwrap) + the content cipher
//   signAndEncrypt, open: the two above in turn.
// Neither WebCrypto nor node:crypto in Node 20 has ML-KEM or ML-DSA: for those the node:crypto flavor calls
// @noble/post-quantum directly (the library core's backend kit runs them with, as installed for core), with
// node:crypto for the rest (digest, HKDF, AES), and says so in its cell; the WebCrypto flavor has none.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { mlDsaPrivateKeyOf, mlKemPrivateKeyOf } from '../../../packages/core/dist/backend-kit/index.js';
import { parseBer, parseCertificate } from '../../../packages/core/dist/index.js';

// @noble/post-quantum as core has it installed (pnpm links it beside core, not at the workspace root).
const noble = new URL('../../../packages/core/node_modules/@noble/post-quantum/', import.meta.url);
const { ml_kem768 } = await import(new URL('ml-kem.js', noble).href);
const { ml_dsa65 } = await import(new URL('ml-dsa.js', noble).href);
const POST_QUANTUM = { 'ml-kem-768': ml_kem768, 'ml-dsa-65': ml_dsa65 };
/** What the node:crypto flavor's cell says when part of its work is @noble/post-quantum's. */
const NOBLE_NOTE = { 'ml-kem': 'ML-KEM: @noble/post-quantum', 'ml-dsa': 'ML-DSA: @noble/post-quantum' };

/** The size of a typical signedAttrs (content type, signing time, message digest, S/MIME capabilities). */
export const SIGNED_ATTRIBUTES = 200;

export const RAW_VARIANTS = [
  { id: 'raw-webcrypto', label: 'raw WebCrypto', flavor: 'webcrypto' },
  { id: 'raw-node', label: 'raw node:crypto', flavor: 'node' },
];

const subtle = globalThis.crypto.subtle;
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/**
 * `{ run, check, note }` doing `work` with one flavor of primitives, or `{ unsupported: why }` when that
 * flavor lacks a primitive (WebCrypto has no RSAES-PKCS1-v1_5, ML-KEM or ML-DSA); `note` names a library
 * that did part of the work in place of the flavor's own primitives. `work`: `{ kind, content, signer,
 * recipient, ca, digest, cipher, keyTransport }` with identities `{ certificate, privateKey: { der } }`,
 * `ca` a certificate, `digest` 'sha-256' or 'sha-512', `keyTransport` 'rsa-pkcs1', 'rsa-oaep', 'ecdh',
 * 'x25519' or 'ml-kem-768'.
 */
export async function prepareRaw(flavorName, work) {
  const flavor = flavorName === 'webcrypto' ? webcrypto : node;
  const steps = [];
  const add = async (maker) => {
    const step = await maker();
    if (step.unsupported !== undefined) return step;
    steps.push(step);
    return undefined;
  };
  const sealing = work.kind === 'encrypt' || work.kind === 'sign-and-encrypt';
  const opening = work.kind === 'decrypt' || work.kind === 'open';
  const signing = work.kind === 'sign' || work.kind === 'sign-and-encrypt';
  const verifying = work.kind === 'verify' || work.kind === 'open';
  const makers = [
    ...(signing ? [() => flavor.digest(work.content, work.digest), () => flavor.sign(work.signer, randomBytes(SIGNED_ATTRIBUTES))] : []),
    ...(sealing ? [() => flavor.wrapKey(work.recipient, work.keyTransport), () => flavor.encryptContent(work.cipher, work.content)] : []),
    ...(opening ? [() => flavor.unwrapKey(work.recipient, work.keyTransport), () => flavor.decryptContent(work.cipher, work.content)] : []),
    ...(verifying
      ? [() => flavor.digest(work.content, work.digest), () => flavor.verify(work.signer, randomBytes(SIGNED_ATTRIBUTES)), () => flavor.verifyCertificate(work.signer.certificate, work.ca)]
      : []),
  ];
  for (const maker of makers) {
    const refusal = await add(maker);
    if (refusal !== undefined) return refusal;
  }
  const notes = [...new Set(steps.map((step) => step.note).filter((note) => note !== undefined))];
  return {
    ...(notes.length === 0 ? {} : { note: notes.join(', ') }),
    run: async () => {
      const out = new Array(steps.length);
      for (let i = 0; i < steps.length; i++) out[i] = await steps[i].run();
      return out;
    },
    check: (out) => steps.forEach((step, i) => step.check?.(out[i])),
  };
}

// --- WebCrypto ------------------------------------------------------------------------------------

const webcrypto = {
  async digest(bytes, digest = 'sha-256') {
    return { run: () => subtle.digest(digest.toUpperCase(), bytes) };
  },

  async sign(identity, data) {
    if (isMlDsa(identity.certificate)) return { unsupported: 'no ML-DSA in WebCrypto or node:crypto on Node 20' };
    const { algorithm, params } = signatureAlgorithm(identity.certificate);
    const key = await subtle.importKey('pkcs8', identity.privateKey.der, algorithm, false, ['sign']);
    return { run: () => subtle.sign(params, key, data) };
  },

  async verify(identity, data) {
    if (isMlDsa(identity.certificate)) return { unsupported: 'no ML-DSA in WebCrypto or node:crypto on Node 20' };
    const { algorithm, params } = signatureAlgorithm(identity.certificate);
    const privateKey = await subtle.importKey('pkcs8', identity.privateKey.der, algorithm, false, ['sign']);
    const signature = await subtle.sign(params, privateKey, data);
    const key = await subtle.importKey('spki', parseCertificate(identity.certificate).spki, algorithm, false, ['verify']);
    return { run: () => subtle.verify(params, key, signature, data), check: expectTrue };
  },

  async verifyCertificate(certificate, ca) {
    if (isMlDsa(ca)) return { unsupported: 'no ML-DSA in WebCrypto or node:crypto on Node 20' };
    const { tbs, signature } = signedPartsOf(certificate);
    const algorithm = issuerAlgorithm(ca);
    const key = await subtle.importKey('spki', parseCertificate(ca).spki, algorithm, false, ['verify']);
    return { run: () => subtle.verify(algorithm, key, signature, tbs), check: expectTrue };
  },

  async wrapKey(recipient, keyTransport) {
    if (keyTransport === 'rsa-pkcs1') return { unsupported: 'no RSAES-PKCS1-v1_5 in WebCrypto' };
    if (keyTransport === 'ml-kem-768') return { unsupported: 'no ML-KEM in WebCrypto or node:crypto on Node 20' };
    const cek = await subtle.importKey('raw', randomBytes(32), 'AES-GCM', true, ['encrypt']);
    if (keyTransport === 'rsa-oaep') {
      const algorithm = { name: 'RSA-OAEP', hash: 'SHA-256' };
      const key = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, algorithm, false, ['encrypt']);
      return { run: () => subtle.encrypt(algorithm, key, randomBytes(32)) };
    }
    const curve = agreementAlgorithm(keyTransport);
    const peer = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, curve, false, []);
    return {
      run: async () => {
        const ephemeral = await subtle.generateKey(curve, false, ['deriveBits']);
        const kek = await webcryptoKek(await subtle.deriveBits({ name: curve.name, public: peer }, ephemeral.privateKey, 256), ['wrapKey']);
        return subtle.wrapKey('raw', cek, kek, 'AES-KW');
      },
    };
  },

  async unwrapKey(recipient, keyTransport) {
    if (keyTransport === 'rsa-pkcs1') return { unsupported: 'no RSAES-PKCS1-v1_5 in WebCrypto' };
    if (keyTransport === 'ml-kem-768') return { unsupported: 'no ML-KEM in WebCrypto or node:crypto on Node 20' };
    if (keyTransport === 'rsa-oaep') {
      const algorithm = { name: 'RSA-OAEP', hash: 'SHA-256' };
      const key = await subtle.importKey('pkcs8', recipient.privateKey.der, algorithm, false, ['decrypt']);
      const publicKey = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, algorithm, false, ['encrypt']);
      const wrapped = await subtle.encrypt(algorithm, publicKey, randomBytes(32));
      return { run: () => subtle.decrypt(algorithm, key, wrapped), check: expectLength(32) };
    }
    const curve = agreementAlgorithm(keyTransport);
    const key = await subtle.importKey('pkcs8', recipient.privateKey.der, curve, false, ['deriveBits']);
    const peer = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, curve, false, []);
    const ephemeral = await subtle.generateKey(curve, false, ['deriveBits']);
    const kek = await webcryptoKek(await subtle.deriveBits({ name: curve.name, public: peer }, ephemeral.privateKey, 256), ['wrapKey']);
    const wrapped = await subtle.wrapKey('raw', await subtle.importKey('raw', randomBytes(32), 'AES-GCM', true, ['encrypt']), kek, 'AES-KW');
    return {
      run: async () => {
        const unwrapKek = await webcryptoKek(await subtle.deriveBits({ name: curve.name, public: ephemeral.publicKey }, key, 256), ['unwrapKey']);
        return subtle.unwrapKey('raw', wrapped, unwrapKek, 'AES-KW', 'AES-GCM', true, ['decrypt']);
      },
    };
  },

  async encryptContent(cipher, content) {
    const name = aesName(cipher);
    const key = await subtle.importKey('raw', randomBytes(32), name, false, ['encrypt']);
    return { run: () => subtle.encrypt(aesParams(name, randomBytes(ivLength(cipher))), key, content) };
  },

  async decryptContent(cipher, content) {
    const name = aesName(cipher);
    const key = await subtle.importKey('raw', randomBytes(32), name, false, ['encrypt', 'decrypt']);
    const params = aesParams(name, randomBytes(ivLength(cipher)));
    const ciphertext = await subtle.encrypt(params, key, content);
    return { run: () => subtle.decrypt(params, key, ciphertext), check: expectLength(content.length) };
  },
};

/** X9.63 KDF with SHA-256 for a 256-bit key: one hash over Z || counter || SharedInfo. */
async function webcryptoKek(z, usages) {
  const derived = await subtle.digest('SHA-256', concat(new Uint8Array(z), Uint8Array.of(0, 0, 0, 1), SHARED_INFO));
  return subtle.importKey('raw', derived, 'AES-KW', false, usages);
}

// --- node:crypto ----------------------------------------------------------------------------------

const node = {
  async digest(bytes, digest = 'sha-256') {
    const name = digest.replace('-', '');
    return { run: () => createHash(name).update(bytes).digest() };
  },

  async sign(identity, data) {
    if (isMlDsa(identity.certificate)) {
      const dsa = postQuantumOf(identity.certificate);
      const secretKey = postQuantumSecretKey(dsa, mlDsaPrivateKeyOf(identity.privateKey.der));
      return { run: () => dsa.sign(data, secretKey), note: NOBLE_NOTE['ml-dsa'] };
    }
    const key = createPrivateKey({ key: Buffer.from(identity.privateKey.der), format: 'der', type: 'pkcs8' });
    const hash = nodeHashOf(identity.certificate);
    return { run: () => nodeSign(hash, data, key) };
  },

  async verify(identity, data) {
    if (isMlDsa(identity.certificate)) {
      const dsa = postQuantumOf(identity.certificate);
      const signature = dsa.sign(data, postQuantumSecretKey(dsa, mlDsaPrivateKeyOf(identity.privateKey.der)));
      const key = rawPublicKeyOf(identity.certificate);
      return { run: () => dsa.verify(signature, data, key), check: expectTrue, note: NOBLE_NOTE['ml-dsa'] };
    }
    const privateKey = createPrivateKey({ key: Buffer.from(identity.privateKey.der), format: 'der', type: 'pkcs8' });
    const hash = nodeHashOf(identity.certificate);
    const signature = nodeSign(hash, data, privateKey);
    const key = publicKeyOf(identity.certificate);
    return { run: () => nodeVerify(hash, data, key, signature), check: expectTrue };
  },

  async verifyCertificate(certificate, ca) {
    const { tbs, signature } = signedPartsOf(certificate);
    if (isMlDsa(ca)) {
      const dsa = postQuantumOf(ca);
      const key = rawPublicKeyOf(ca);
      return { run: () => dsa.verify(signature, tbs, key), check: expectTrue, note: NOBLE_NOTE['ml-dsa'] };
    }
    const key = publicKeyOf(ca);
    const hash = nodeHashOf(ca);
    return { run: () => nodeVerify(hash, tbs, key, signature), check: expectTrue };
  },

  async wrapKey(recipient, keyTransport) {
    if (keyTransport === 'ml-kem-768') {
      const kem = POST_QUANTUM[keyTransport];
      const key = rawPublicKeyOf(recipient.certificate);
      return {
        run: () => {
          const { sharedSecret } = kem.encapsulate(key);
          return aesWrap(kemKek(sharedSecret), randomBytes(32));
        },
        note: NOBLE_NOTE['ml-kem'],
      };
    }
    const key = publicKeyOf(recipient.certificate);
    if (keyTransport === 'rsa-pkcs1') return { run: () => publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32)) };
    if (keyTransport === 'rsa-oaep') return { run: () => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32)) };
    return {
      run: () => {
        const ephemeral = ephemeralKeyPair(keyTransport);
        const kek = nodeKek(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: key }));
        return aesWrap(kek, randomBytes(32));
      },
    };
  },

  async unwrapKey(recipient, keyTransport) {
    if (keyTransport === 'ml-kem-768') {
      const kem = POST_QUANTUM[keyTransport];
      const secretKey = postQuantumSecretKey(kem, mlKemPrivateKeyOf(recipient.privateKey.der));
      const { cipherText, sharedSecret } = kem.encapsulate(rawPublicKeyOf(recipient.certificate));
      const wrapped = aesWrap(kemKek(sharedSecret), randomBytes(32));
      return {
        run: () => {
          const kek = kemKek(kem.decapsulate(cipherText, secretKey));
          const decipher = createDecipheriv('id-aes256-wrap', kek, KW_IV);
          return Buffer.concat([decipher.update(wrapped), decipher.final()]);
        },
        check: expectLength(32),
        note: NOBLE_NOTE['ml-kem'],
      };
    }
    const key = createPrivateKey({ key: Buffer.from(recipient.privateKey.der), format: 'der', type: 'pkcs8' });
    const publicKey = publicKeyOf(recipient.certificate);
    if (keyTransport === 'rsa-pkcs1') {
      // As the sealpost CLI runs pkijs on Node: OpenSSL's raw RSA (blinded), the padding checked apart.
      const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32));
      return { run: () => privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, wrapped), check: expectLength(256) };
    }
    if (keyTransport === 'rsa-oaep') {
      const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
      return { run: () => privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped), check: expectLength(32) };
    }
    const ephemeral = ephemeralKeyPair(keyTransport);
    const wrapped = aesWrap(nodeKek(diffieHellman({ privateKey: ephemeral.privateKey, publicKey })), randomBytes(32));
    return {
      run: () => {
        const kek = nodeKek(diffieHellman({ privateKey: key, publicKey: ephemeral.publicKey }));
        const decipher = createDecipheriv('id-aes256-wrap', kek, KW_IV);
        return Buffer.concat([decipher.update(wrapped), decipher.final()]);
      },
      check: expectLength(32),
    };
  },

  async encryptContent(cipher, content) {
    const key = randomBytes(32);
    return {
      run: () => {
        const c = createCipheriv(cipher, key, randomBytes(ivLength(cipher)));
        const out = Buffer.concat([c.update(content), c.final()]);
        return cipher.endsWith('gcm') ? [out, c.getAuthTag()] : [out];
      },
    };
  },

  async decryptContent(cipher, content) {
    const key = randomBytes(32);
    const iv = randomBytes(ivLength(cipher));
    const c = createCipheriv(cipher, key, iv);
    const ciphertext = Buffer.concat([c.update(content), c.final()]);
    const tag = cipher.endsWith('gcm') ? c.getAuthTag() : undefined;
    return {
      run: () => {
        const d = createDecipheriv(cipher, key, iv);
        if (tag !== undefined) d.setAuthTag(tag);
        return Buffer.concat([d.update(ciphertext), d.final()]);
      },
      check: expectLength(content.length),
    };
  },
};

function nodeKek(z) {
  return createHash('sha256')
    .update(z)
    .update(Uint8Array.of(0, 0, 0, 1))
    .update(SHARED_INFO)
    .digest();
}

/** RFC 9936 3.1: HKDF-SHA256 with no salt over the shared secret, CMSORIforKEMOtherInfo (about 18 octets) as info. */
function kemKek(sharedSecret) {
  return Buffer.from(hkdfSync('sha256', sharedSecret, new Uint8Array(0), KEM_OTHER_INFO, 32));
}

function ephemeralKeyPair(keyTransport) {
  return keyTransport === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function aesWrap(kek, keyBytes) {
  const c = createCipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([c.update(keyBytes), c.final()]);
}

// --- shared ---------------------------------------------------------------------------------------

/** ECC-CMS-SharedInfo for AES-256 wrap is about 30 octets; its content does not change the cost. */
const SHARED_INFO = new Uint8Array(30);
/** CMSORIforKEMOtherInfo for AES-256 wrap: the wrap's AlgorithmIdentifier and kekLength, 18 octets. */
const KEM_OTHER_INFO = new Uint8Array(18);

function keyTypeOf(certificate) {
  return parseCertificate(certificate).publicKey.type;
}

function isMlDsa(certificate) {
  return keyTypeOf(certificate) === 'ml-dsa';
}

function postQuantumOf(certificate) {
  return POST_QUANTUM[parseCertificate(certificate).publicKey.parameterSet];
}

/** node:crypto's digest argument for a signature by this key: none for Ed25519 (PureEdDSA hashes inside). */
function nodeHashOf(certificate) {
  return keyTypeOf(certificate) === 'ed25519' ? null : 'sha256';
}

function signatureAlgorithm(certificate) {
  const type = keyTypeOf(certificate);
  if (type === 'ed25519') return { algorithm: { name: 'Ed25519' }, params: { name: 'Ed25519' } };
  return type === 'ec'
    ? { algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, params: { name: 'ECDSA', hash: 'SHA-256' } }
    : { algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, params: { name: 'RSASSA-PKCS1-v1_5' } };
}

/** How the issuer signs certificates: SHA-256 with RSA in the test PKI, Ed25519 for the LAMPS Ed25519 CA. */
function issuerAlgorithm(ca) {
  return keyTypeOf(ca) === 'ed25519' ? { name: 'Ed25519' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

function agreementAlgorithm(keyTransport) {
  return keyTransport === 'x25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: 'P-256' };
}

/**
 * The expanded secret key, made once outside the timed region as a key import is (a PKCS#8 of the seed
 * form holds only the seed: FIPS 203/204 KeyGen_internal expands it).
 */
function postQuantumSecretKey(algorithm, key) {
  return key.expandedKey ?? algorithm.keygen(key.seed).secretKey;
}

/** The subjectPublicKey's octets (an ML-KEM encapsulation key, an ML-DSA public key). */
function rawPublicKeyOf(certificate) {
  return parseBer(parseCertificate(certificate).spki).children[1].contents.subarray(1);
}

function publicKeyOf(certificate) {
  return createPublicKey({ key: Buffer.from(parseCertificate(certificate).spki), format: 'der', type: 'spki' });
}

/** The TBSCertificate and the signature an issuer made over it (SHA-256 with RSA in the test PKI). */
function signedPartsOf(certificate) {
  const [tbs, , signature] = parseBer(certificate).children;
  return { tbs: tbs.raw, signature: signature.contents.subarray(1) };
}

function aesName(cipher) {
  return cipher.endsWith('gcm') ? 'AES-GCM' : 'AES-CBC';
}

function aesParams(name, iv) {
  return { name, iv };
}

function ivLength(cipher) {
  return cipher.endsWith('gcm') ? 12 : 16;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function expectTrue(result) {
  if (result !== true) throw new Error('a raw signature did not verify');
}

function expectLength(length) {
  return (result) => {
    const size = result instanceof ArrayBuffer ? result.byteLength : result?.length;
    if (size !== length) throw new Error(`a raw decryption returned ${size} bytes, expected ${length}`);
  };
}
