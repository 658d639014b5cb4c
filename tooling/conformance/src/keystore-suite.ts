import { createHash } from 'node:crypto';
import { type KeyStore, type PutCertificate, isSealpostError, normalizeStoreAddress, parseCertificate } from '@sealpost/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED_ADDRESSES, REFUSED_ADDRESSES } from './keystore-addresses.js';
import { type KeyStoreCertificates, keyStoreCertificates } from './keystore-certificates.js';

export interface KeyStoreSuiteOptions {
  /** Store name as used in test titles. */
  readonly name: string;
  /** A new, empty store; called once per test. */
  readonly create: () => KeyStore | Promise<KeyStore>;
}

const ALICE = 'alice@example.com';
const SHARED = 'shared@example.com';

function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await rejection(promise);
  expect(isSealpostError(error), `expected a SealpostError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

/**
 * The suite every key store runs: the KeyStore contract of @sealpost/core (address comparison, put
 * outcomes, history order, removal, listing, typed errors) with real certificates.
 */
export function defineKeyStoreSuite(options: KeyStoreSuiteOptions): void {
  describe(`key store conformance: ${options.name}`, () => {
    let certs: KeyStoreCertificates;
    beforeAll(async () => {
      certs = await keyStoreCertificates();
    });

    /** Runs `work` with a fresh store and closes it afterwards. */
    async function withStore(work: (store: KeyStore) => Promise<void>): Promise<void> {
      const store = await options.create();
      try {
        await work(store);
      } finally {
        await store.close?.();
      }
    }

    const alice = (): Uint8Array => certs.pki.identities.alice.cert;

    it('an empty store has nothing', () =>
      withStore(async (store) => {
        expect(await store.get(ALICE)).toBeNull();
        expect(await store.history(ALICE)).toEqual([]);
        expect(await store.list()).toEqual([]);
        expect(await store.remove(ALICE)).toBe(0);
      }));

    it('put then get returns the certificate, chain, capabilities, source, dates and SHA-256 fingerprint', () =>
      withStore(async (store) => {
        const frank = certs.pki.identities.frank;
        const seenAt = new Date('2025-03-04T05:06:07.089Z');
        const outcome = await store.put({
          address: frank.email,
          certificate: frank.cert,
          chain: [certs.pki.inter.cert],
          smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'],
          seenAt,
          source: 'relay-webhook',
        });
        expect(outcome).toBe('added');
        const stored = await store.get(frank.email);
        const info = parseCertificate(frank.cert);
        expect(stored).not.toBeNull();
        expect(stored?.address).toBe(frank.email);
        expect(Buffer.from(stored!.certificate).equals(Buffer.from(frank.cert))).toBe(true);
        expect(stored?.chain.map((der) => Buffer.from(der).toString('hex'))).toEqual([Buffer.from(certs.pki.inter.cert).toString('hex')]);
        expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm', 'aes-256-cbc']);
        expect(stored?.fingerprint).toBe(sha256Hex(frank.cert));
        expect(stored?.notBefore.toISOString()).toBe(info.notBefore.toISOString());
        expect(stored?.notAfter.toISOString()).toBe(info.notAfter.toISOString());
        expect(stored?.firstSeen.toISOString()).toBe(seenAt.toISOString());
        expect(stored?.lastSeen.toISOString()).toBe(seenAt.toISOString());
        expect(stored?.source).toBe('relay-webhook');
      }));

    it('a put without seenAt is seen now, and one without chain or capabilities stores empty lists', () =>
      withStore(async (store) => {
        const before = Date.now();
        await store.put({ address: ALICE, certificate: alice() });
        const after = Date.now();
        const stored = await store.get(ALICE);
        expect(stored?.firstSeen.getTime()).toBeGreaterThanOrEqual(before);
        expect(stored?.firstSeen.getTime()).toBeLessThanOrEqual(after);
        expect(stored?.chain).toEqual([]);
        expect(stored?.smimeCapabilities).toEqual([]);
        expect(typeof stored?.source).toBe('string');
      }));

    it('dates round-trip to the millisecond, including years far from now', () =>
      withStore(async (store) => {
        const seenAt = new Date('1999-12-31T23:59:59.999Z');
        await store.put({ address: ALICE, certificate: alice(), seenAt });
        const later = new Date('2099-01-01T00:00:00.001Z');
        await store.put({ address: ALICE, certificate: alice(), seenAt: later });
        const stored = await store.get(ALICE);
        expect(stored?.firstSeen.getTime()).toBe(seenAt.getTime());
        expect(stored?.lastSeen.getTime()).toBe(later.getTime());
        const [summary] = await store.list();
        expect(summary?.lastSeen.getTime()).toBe(later.getTime());
        expect(summary?.notAfter.getTime()).toBe(parseCertificate(alice()).notAfter.getTime());
      }));

    it('the domain compares case-insensitively and is stored lower-cased; the local part is exact', () =>
      withStore(async (store) => {
        expect(await store.put({ address: 'Alice@EXAMPLE.Com', certificate: alice() })).toBe('added');
        expect((await store.get('Alice@example.com'))?.address).toBe('Alice@example.com');
        expect((await store.get('Alice@Example.COM'))?.fingerprint).toBe(sha256Hex(alice()));
        expect(await store.get('alice@example.com')).toBeNull();
        expect(await store.get('ALICE@example.com')).toBeNull();
        expect(await store.put({ address: 'Alice@example.com', certificate: alice() })).toBe('seen');
        expect((await store.list()).map((e) => e.address)).toEqual(['Alice@example.com']);
      }));

    it('addresses that differ only in the local part are separate entries', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice() });
        await store.put({ address: 'alice+smime@example.com', certificate: certs.aliceNewer });
        expect((await store.get(ALICE))?.fingerprint).toBe(sha256Hex(alice()));
        expect((await store.get('alice+smime@example.com'))?.fingerprint).toBe(sha256Hex(certs.aliceNewer));
        expect(await store.remove('alice+smime@example.com')).toBe(1);
        expect((await store.get(ALICE))?.fingerprint).toBe(sha256Hex(alice()));
      }));

    it('the same certificate again is "seen": lastSeen and capabilities refreshed, firstSeen and source kept', () =>
      withStore(async (store) => {
        const first = new Date('2025-01-01T00:00:00.000Z');
        const second = new Date('2025-06-01T12:00:00.500Z');
        await store.put({ address: ALICE, certificate: alice(), seenAt: first, smimeCapabilities: ['aes-256-cbc'], source: 'import' });
        expect(await store.put({ address: ALICE, certificate: alice(), seenAt: second, smimeCapabilities: ['aes-256-gcm', 'aes-128-gcm'], source: 'relay-webhook' })).toBe('seen');
        const stored = await store.get(ALICE);
        expect(stored?.firstSeen.getTime()).toBe(first.getTime());
        expect(stored?.lastSeen.getTime()).toBe(second.getTime());
        expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm', 'aes-128-gcm']);
        expect(stored?.source).toBe('import');
        expect(await store.history(ALICE)).toHaveLength(1);
      }));

    it('a sighting older than lastSeen does not move it back, nor replace the capabilities', () =>
      withStore(async (store) => {
        const latest = new Date('2025-06-01T00:00:00.000Z');
        await store.put({ address: ALICE, certificate: alice(), seenAt: latest, smimeCapabilities: ['aes-256-gcm'] });
        expect(await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00.000Z'), smimeCapabilities: ['aes-128-cbc'] })).toBe('seen');
        const stored = await store.get(ALICE);
        expect(stored?.lastSeen.getTime()).toBe(latest.getTime());
        expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm']);
      }));

    it('capabilities from a sighting older than lastSeen still fill in a certificate stored without any', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-06-01T00:00:00.000Z'), source: 'import' });
        expect(await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00.000Z'), smimeCapabilities: ['aes-256-gcm'] })).toBe('seen');
        const stored = await store.get(ALICE);
        expect(stored?.smimeCapabilities).toEqual(['aes-256-gcm']);
        expect(stored?.lastSeen.toISOString()).toBe('2025-06-01T00:00:00.000Z');
      }));

    it('keeps the capabilities of every certificate in the history, RC2 key sizes included', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice(), smimeCapabilities: ['aes-256-cbc', 'rc2-128-cbc', 'rc2-40-cbc'] });
        await store.put({ address: ALICE, certificate: certs.aliceNewer, smimeCapabilities: ['aes-256-gcm', 'aes-256-cbc'] });
        const history = await store.history(ALICE);
        expect(history.map((c) => c.smimeCapabilities)).toEqual([
          ['aes-256-gcm', 'aes-256-cbc'],
          ['aes-256-cbc', 'rc2-128-cbc', 'rc2-40-cbc'],
        ]);
      }));

    it('a sighting without capabilities keeps the ones already known', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00Z'), smimeCapabilities: ['aes-256-gcm'] });
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-02-01T00:00:00Z') });
        expect((await store.get(ALICE))?.smimeCapabilities).toEqual(['aes-256-gcm']);
      }));

    it('a certificate with a later notBefore supersedes the current one, which stays in the history', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00Z') });
        expect(await store.put({ address: ALICE, certificate: certs.aliceNewer, seenAt: new Date('2025-02-01T00:00:00Z') })).toBe('superseded');
        expect((await store.get(ALICE))?.fingerprint).toBe(sha256Hex(certs.aliceNewer));
        const history = await store.history(ALICE);
        expect(history.map((c) => c.fingerprint)).toEqual([sha256Hex(certs.aliceNewer), sha256Hex(alice())]);
        expect(history[1]?.firstSeen.toISOString()).toBe('2025-01-01T00:00:00.000Z');
        const [summary] = await store.list();
        expect(summary).toMatchObject({ address: ALICE, fingerprint: sha256Hex(certs.aliceNewer), versions: 2 });
      }));

    it('a certificate with an earlier notBefore goes to the history and the current one stays ("kept-current")', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice() });
        expect(await store.put({ address: ALICE, certificate: certs.aliceOlder })).toBe('kept-current');
        expect((await store.get(ALICE))?.fingerprint).toBe(sha256Hex(alice()));
        expect((await store.history(ALICE)).map((c) => c.fingerprint)).toEqual([sha256Hex(alice()), sha256Hex(certs.aliceOlder)]);
        expect(await store.put({ address: ALICE, certificate: certs.aliceOlder })).toBe('seen');
      }));

    it('history lists the current certificate first, then the others newest first, whatever the order they came in', () =>
      withStore(async (store) => {
        const [y2021, y2022, y2023, y2024] = certs.sharedByYear;
        const outcomes = [];
        for (const certificate of [y2022!, y2024!, y2021!, y2023!]) outcomes.push(await store.put({ address: SHARED, certificate }));
        expect(outcomes).toEqual(['added', 'superseded', 'kept-current', 'kept-current']);
        expect((await store.history(SHARED)).map((c) => c.fingerprint)).toEqual([y2024!, y2023!, y2022!, y2021!].map(sha256Hex));
      }));

    it('remove by fingerprint: removing the current one makes the newest remaining current', () =>
      withStore(async (store) => {
        const [y2021, y2022, y2023] = certs.sharedByYear;
        for (const certificate of [y2021!, y2023!, y2022!]) await store.put({ address: SHARED, certificate });
        expect(await store.remove(SHARED, sha256Hex(y2023!))).toBe(1);
        expect((await store.get(SHARED))?.fingerprint).toBe(sha256Hex(y2022!));
        expect((await store.history(SHARED)).map((c) => c.fingerprint)).toEqual([y2022!, y2021!].map(sha256Hex));
        expect(await store.remove(SHARED, sha256Hex(y2021!).toUpperCase())).toBe(1);
        expect((await store.history(SHARED)).map((c) => c.fingerprint)).toEqual([sha256Hex(y2022!)]);
        expect(await store.remove(SHARED, sha256Hex(y2023!))).toBe(0);
        expect(await store.remove(SHARED, sha256Hex(y2022!))).toBe(1);
        expect(await store.get(SHARED)).toBeNull();
        expect(await store.list()).toEqual([]);
      }));

    it('remove without a fingerprint removes every certificate of the address and no other', () =>
      withStore(async (store) => {
        for (const certificate of certs.sharedByYear.slice(0, 3)) await store.put({ address: SHARED, certificate });
        await store.put({ address: ALICE, certificate: alice() });
        expect(await store.remove('shared@EXAMPLE.com')).toBe(3);
        expect(await store.get(SHARED)).toBeNull();
        expect(await store.history(SHARED)).toEqual([]);
        expect(await store.remove(SHARED)).toBe(0);
        expect((await store.list()).map((e) => e.address)).toEqual([ALICE]);
      }));

    it('one certificate can be stored under two addresses, and removing it from one leaves the other', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice() });
        await store.put({ address: 'alias@example.org', certificate: alice() });
        expect(await store.remove('alias@example.org', sha256Hex(alice()))).toBe(1);
        expect((await store.get(ALICE))?.fingerprint).toBe(sha256Hex(alice()));
        expect(await store.get('alias@example.org')).toBeNull();
      }));

    it('list gives one line per address, in address order, with the current certificate and the number of versions', () =>
      withStore(async (store) => {
        const { bob, carol } = certs.pki.identities;
        await store.put({ address: carol.email, certificate: carol.cert, seenAt: new Date('2025-01-03T00:00:00Z') });
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00Z') });
        await store.put({ address: ALICE, certificate: certs.aliceOlder, seenAt: new Date('2025-01-04T00:00:00Z') });
        await store.put({ address: bob.email, certificate: bob.cert, seenAt: new Date('2025-01-02T00:00:00Z') });
        const list = await store.list();
        expect(list.map((e) => [e.address, e.fingerprint, e.versions, e.lastSeen.toISOString(), e.notAfter.toISOString()])).toEqual([
          [ALICE, sha256Hex(alice()), 2, '2025-01-01T00:00:00.000Z', parseCertificate(alice()).notAfter.toISOString()],
          [bob.email, sha256Hex(bob.cert), 1, '2025-01-02T00:00:00.000Z', parseCertificate(bob.cert).notAfter.toISOString()],
          [carol.email, sha256Hex(carol.cert), 1, '2025-01-03T00:00:00.000Z', parseCertificate(carol.cert).notAfter.toISOString()],
        ]);
      }));

    it('a malformed certificate is ERR_CERTIFICATE_MALFORMED and nothing is stored', () =>
      withStore(async (store) => {
        const truncated = alice().subarray(0, alice().length - 10);
        const garbage = new TextEncoder().encode('not a certificate');
        await expectCode(store.put({ address: ALICE, certificate: truncated }), 'ERR_CERTIFICATE_MALFORMED');
        await expectCode(store.put({ address: ALICE, certificate: garbage }), 'ERR_CERTIFICATE_MALFORMED');
        await expectCode(store.put({ address: ALICE, certificate: new Uint8Array(0) }), 'ERR_CERTIFICATE_MALFORMED');
        await expectCode(store.put({ address: ALICE, certificate: alice(), chain: [garbage] }), 'ERR_CERTIFICATE_MALFORMED');
        expect(await store.get(ALICE)).toBeNull();
        expect(await store.history(ALICE)).toEqual([]);
        expect(await store.list()).toEqual([]);
      }));

    it('a certificate over 64 KiB is ERR_LIMIT_SIZE, a chain of more than 16 ERR_LIMIT_CERTIFICATES, and nothing is stored', () =>
      withStore(async (store) => {
        // The limits every store shares (keystore-memory's MAX_CERTIFICATE_OCTETS and MAX_CHAIN_CERTIFICATES):
        // far above any real certificate, far below what a row, a file or a process should take in.
        const huge = new Uint8Array(64 * 1024 + 1);
        await expectCode(store.put({ address: ALICE, certificate: huge }), 'ERR_LIMIT_SIZE');
        await expectCode(store.put({ address: ALICE, certificate: alice(), chain: [huge] }), 'ERR_LIMIT_SIZE');
        const sixteen = Array.from({ length: 16 }, () => certs.pki.inter.cert);
        await expectCode(store.put({ address: ALICE, certificate: alice(), chain: [...sixteen, certs.pki.ca.cert] }), 'ERR_LIMIT_CERTIFICATES');
        expect(await store.list()).toEqual([]);
        expect(await store.put({ address: ALICE, certificate: alice(), chain: sixteen })).toBe('added');
        expect((await store.get(ALICE))?.chain).toHaveLength(16);
      }));

    it('a malformed certificate leaves an existing entry untouched', () =>
      withStore(async (store) => {
        await store.put({ address: ALICE, certificate: alice(), seenAt: new Date('2025-01-01T00:00:00Z') });
        await expectCode(store.put({ address: ALICE, certificate: alice().subarray(1) }), 'ERR_CERTIFICATE_MALFORMED');
        const history = await store.history(ALICE);
        expect(history.map((c) => c.fingerprint)).toEqual([sha256Hex(alice())]);
        expect(history[0]?.lastSeen.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      }));

    it("an address core's store address rule refuses is ERR_ADDRESS_MALFORMED in every method, and nothing is stored", () =>
      withStore(async (store) => {
        for (const address of REFUSED_ADDRESSES) {
          expect(() => normalizeStoreAddress(address), JSON.stringify(address.slice(0, 40))).toThrow();
          await expectCode(store.put({ address, certificate: alice() }), 'ERR_ADDRESS_MALFORMED');
          await expectCode(store.get(address), 'ERR_ADDRESS_MALFORMED');
          await expectCode(store.history(address), 'ERR_ADDRESS_MALFORMED');
          await expectCode(store.remove(address), 'ERR_ADDRESS_MALFORMED');
        }
        expect(await store.list()).toEqual([]);
      }));

    it("every address core's store address rule accepts is stored, found, listed and removed under its normalized form", () =>
      withStore(async (store) => {
        for (const [given, stored] of ACCEPTED_ADDRESSES) {
          expect(normalizeStoreAddress(given)).toBe(stored);
          expect(await store.put({ address: given, certificate: alice() }), stored).toBe('added');
          expect((await store.get(stored))?.address).toBe(stored);
          expect((await store.get(given))?.fingerprint).toBe(sha256Hex(alice()));
          expect((await store.history(given)).map((c) => c.address)).toEqual([stored]);
        }
        expect((await store.list()).map((e) => e.address)).toEqual(ACCEPTED_ADDRESSES.map(([, stored]) => stored).sort());
        for (const [given] of ACCEPTED_ADDRESSES) expect(await store.put({ address: given, certificate: certs.aliceNewer })).toBe('superseded');
        for (const [given, stored] of ACCEPTED_ADDRESSES) {
          expect(await store.remove(given), stored).toBe(2);
          expect(await store.get(stored)).toBeNull();
        }
        expect(await store.list()).toEqual([]);
      }));

    it('values handed in or out are copies: changing them does not change the store', () =>
      withStore(async (store) => {
        const certificate = alice().slice();
        const entry: PutCertificate = { address: ALICE, certificate, chain: [certs.pki.ca.cert.slice()], seenAt: new Date('2025-01-01T00:00:00Z') };
        await store.put(entry);
        certificate.fill(0);
        entry.chain?.[0]?.fill(0);
        entry.seenAt?.setTime(0);
        const got = await store.get(ALICE);
        expect(got?.fingerprint).toBe(sha256Hex(alice()));
        got?.certificate.fill(0);
        got?.firstSeen.setTime(0);
        const again = await store.get(ALICE);
        expect(sha256Hex(again!.certificate)).toBe(sha256Hex(alice()));
        expect(sha256Hex(again!.chain[0]!)).toBe(sha256Hex(certs.pki.ca.cert));
        expect(again?.firstSeen.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      }));

    it('concurrent puts lose nothing', () =>
      withStore(async (store) => {
        const { bob, carol, dave, erin, ivan } = certs.pki.identities;
        const others = [bob, carol, dave, erin, ivan];
        const outcomes = await Promise.all([
          ...certs.sharedByYear.map((certificate) => store.put({ address: SHARED, certificate })),
          ...others.map((id) => store.put({ address: id.email, certificate: id.cert })),
          ...others.map((id) => store.put({ address: id.email, certificate: id.cert })),
        ]);
        expect(outcomes.filter((o) => o === 'added')).toHaveLength(6);
        expect(outcomes.filter((o) => o === 'seen')).toHaveLength(5);
        const history = await store.history(SHARED);
        expect(history).toHaveLength(certs.sharedByYear.length);
        expect(history[0]?.fingerprint).toBe(sha256Hex(certs.sharedByYear.at(-1)!));
        expect((await store.list()).map((e) => e.address)).toEqual([...others.map((id) => id.email), SHARED].sort());
      }));
  });
}
