// The raw primitives under each row: the cryptographic work Sealpost does for an operation, done
// directly with WebCrypto and with node:crypto, with no MIME, no CMS and no verdict. Keys are imported
// once, outside the timed region: that is what the hardware and Node's OpenSSL can do at best, the
// limit a row's ratio is taken against.
//
// What each operation costs, cryptographically (an approximation that leaves out only small work):
//   sign     SHA-256 of the content + one signature over the signed attributes (SIGNED_ATTRIBUTES bytes)
//   verify   SHA-256 of the content + the signer's signature + the CA's signature on the signer's certificate
//   encrypt  one key transport (RSA public operation, or ephemeral ECDH + KDF + AES key wrap) + the content cipher
//   decrypt  one key transport the other way (RSA private operation, or ECDH + KDF + unwrap) + the content cipher
//   signAndEncrypt, open: the two above in turn.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { parseBer, parseCertificate } from '../../../packages/core/dist/index.js';

/** The size of a typical signedAttrs (content type, signing time, message digest, S/MIME capabilities). */
export const SIGNED_ATTRIBUTES = 200;

export const RAW_VARIANTS = [
  { id: 'raw-webcrypto', label: 'raw WebCrypto', flavor: 'webcrypto' },
  { id: 'raw-node', label: 'raw node:crypto', flavor: 'node' },
];

const subtle = globalThis.crypto.subtle;
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/**
 * `{ run, check }` doing `work` with one flavor of primitives, or `{ unsupported: why }` when that flavor
 * lacks a primitive (WebCrypto has no RSAES-PKCS1-v1_5). `work`: `{ kind, content, signer, recipient, ca,
 * cipher, keyTransport }` with identities `{ certificate, privateKey: { der } }` and `ca` a certificate.
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
    ...(signing ? [() => flavor.digest(work.content), () => flavor.sign(work.signer, randomBytes(SIGNED_ATTRIBUTES))] : []),
    ...(sealing ? [() => flavor.wrapKey(work.recipient, work.keyTransport), () => flavor.encryptContent(work.cipher, work.content)] : []),
    ...(opening ? [() => flavor.unwrapKey(work.recipient, work.keyTransport), () => flavor.decryptContent(work.cipher, work.content)] : []),
    ...(verifying
      ? [() => flavor.digest(work.content), () => flavor.verify(work.signer, randomBytes(SIGNED_ATTRIBUTES)), () => flavor.verifyCertificate(work.signer.certificate, work.ca)]
      : []),
  ];
  for (const maker of makers) {
    const refusal = await add(maker);
    if (refusal !== undefined) return refusal;
  }
  return {
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
  async digest(bytes) {
    return { run: () => subtle.digest('SHA-256', bytes) };
  },

  async sign(identity, data) {
    const { algorithm, params } = signatureAlgorithm(identity.certificate);
    const key = await subtle.importKey('pkcs8', identity.privateKey.der, algorithm, false, ['sign']);
    return { run: () => subtle.sign(params, key, data) };
  },

  async verify(identity, data) {
    const { algorithm, params } = signatureAlgorithm(identity.certificate);
    const privateKey = await subtle.importKey('pkcs8', identity.privateKey.der, algorithm, false, ['sign']);
    const signature = await subtle.sign(params, privateKey, data);
    const key = await subtle.importKey('spki', parseCertificate(identity.certificate).spki, algorithm, false, ['verify']);
    return { run: () => subtle.verify(params, key, signature, data), check: expectTrue };
  },

  async verifyCertificate(certificate, ca) {
    const { tbs, signature } = signedPartsOf(certificate);
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('spki', parseCertificate(ca).spki, algorithm, false, ['verify']);
    return { run: () => subtle.verify(algorithm, key, signature, tbs), check: expectTrue };
  },

  async wrapKey(recipient, keyTransport) {
    if (keyTransport === 'rsa-pkcs1') return { unsupported: 'no RSAES-PKCS1-v1_5 in WebCrypto' };
    const cek = await subtle.importKey('raw', randomBytes(32), 'AES-GCM', true, ['encrypt']);
    if (keyTransport === 'rsa-oaep') {
      const algorithm = { name: 'RSA-OAEP', hash: 'SHA-256' };
      const key = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, algorithm, false, ['encrypt']);
      return { run: () => subtle.encrypt(algorithm, key, randomBytes(32)) };
    }
    const peer = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    return {
      run: async () => {
        const ephemeral = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
        const kek = await webcryptoKek(await subtle.deriveBits({ name: 'ECDH', public: peer }, ephemeral.privateKey, 256), ['wrapKey']);
        return subtle.wrapKey('raw', cek, kek, 'AES-KW');
      },
    };
  },

  async unwrapKey(recipient, keyTransport) {
    if (keyTransport === 'rsa-pkcs1') return { unsupported: 'no RSAES-PKCS1-v1_5 in WebCrypto' };
    if (keyTransport === 'rsa-oaep') {
      const algorithm = { name: 'RSA-OAEP', hash: 'SHA-256' };
      const key = await subtle.importKey('pkcs8', recipient.privateKey.der, algorithm, false, ['decrypt']);
      const publicKey = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, algorithm, false, ['encrypt']);
      const wrapped = await subtle.encrypt(algorithm, publicKey, randomBytes(32));
      return { run: () => subtle.decrypt(algorithm, key, wrapped), check: expectLength(32) };
    }
    const curve = { name: 'ECDH', namedCurve: 'P-256' };
    const key = await subtle.importKey('pkcs8', recipient.privateKey.der, curve, false, ['deriveBits']);
    const peer = await subtle.importKey('spki', parseCertificate(recipient.certificate).spki, curve, false, []);
    const ephemeral = await subtle.generateKey(curve, false, ['deriveBits']);
    const kek = await webcryptoKek(await subtle.deriveBits({ name: 'ECDH', public: peer }, ephemeral.privateKey, 256), ['wrapKey']);
    const wrapped = await subtle.wrapKey('raw', await subtle.importKey('raw', randomBytes(32), 'AES-GCM', true, ['encrypt']), kek, 'AES-KW');
    return {
      run: async () => {
        const unwrapKek = await webcryptoKek(await subtle.deriveBits({ name: 'ECDH', public: ephemeral.publicKey }, key, 256), ['unwrapKey']);
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
  async digest(bytes) {
    return { run: () => createHash('sha256').update(bytes).digest() };
  },

  async sign(identity, data) {
    const key = createPrivateKey({ key: Buffer.from(identity.privateKey.der), format: 'der', type: 'pkcs8' });
    return { run: () => nodeSign('sha256', data, key) };
  },

  async verify(identity, data) {
    const privateKey = createPrivateKey({ key: Buffer.from(identity.privateKey.der), format: 'der', type: 'pkcs8' });
    const signature = nodeSign('sha256', data, privateKey);
    const key = publicKeyOf(identity.certificate);
    return { run: () => nodeVerify('sha256', data, key, signature), check: expectTrue };
  },

  async verifyCertificate(certificate, ca) {
    const { tbs, signature } = signedPartsOf(certificate);
    const key = publicKeyOf(ca);
    return { run: () => nodeVerify('sha256', tbs, key, signature), check: expectTrue };
  },

  async wrapKey(recipient, keyTransport) {
    const key = publicKeyOf(recipient.certificate);
    if (keyTransport === 'rsa-pkcs1') return { run: () => publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32)) };
    if (keyTransport === 'rsa-oaep') return { run: () => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32)) };
    return {
      run: () => {
        const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const kek = nodeKek(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: key }));
        return aesWrap(kek, randomBytes(32));
      },
    };
  },

  async unwrapKey(recipient, keyTransport) {
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
    const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
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
  return createHash('sha256').update(z).update(Uint8Array.of(0, 0, 0, 1)).update(SHARED_INFO).digest();
}

function aesWrap(kek, keyBytes) {
  const c = createCipheriv('id-aes256-wrap', kek, KW_IV);
  return Buffer.concat([c.update(keyBytes), c.final()]);
}

// --- shared ---------------------------------------------------------------------------------------

/** ECC-CMS-SharedInfo for AES-256 wrap is about 30 octets; its content does not change the cost. */
const SHARED_INFO = new Uint8Array(30);

function signatureAlgorithm(certificate) {
  const ec = parseCertificate(certificate).publicKey.type === 'ec';
  return ec
    ? { algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, params: { name: 'ECDSA', hash: 'SHA-256' } }
    : { algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, params: { name: 'RSASSA-PKCS1-v1_5' } };
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
