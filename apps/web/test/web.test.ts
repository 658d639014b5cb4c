/**
 * The web app in a real browser: the Vite build served from a folder on loopback, opened in Debian's
 * Chromium (headless, through @sealpost/browser), fed mail made now with core's test PKI. Each case
 * asserts what a person would read, and leaves a screenshot in apps/web/test-output/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page, type ServedFolder, launchChromium, serveFolder } from '@sealpost/browser';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { buildEntity, createSealpost, latin1Decode, latin1Encode, pemEncode, readPkcs12, writePkcs12 } from '@sealpost/core';
import { generateTestCa, generateTestIdentity, type TestIdentity } from '@sealpost/core/testing';
import { REASONS } from '../src/reasons.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const outputDir = join(appDir, 'test-output');
const PASSPHRASE = 'correct horse battery staple';
const BODY = 'Meet at the harbour at noon.\nBring the charts.';

let work: string;
let site: ServedFolder;
let browser: Promise<Browser> | undefined;
let bob: TestIdentity;
let alice: TestIdentity;
const files: Record<string, string> = {};
const sealpost = createSealpost({ backend: createPkijsBackend(), policy: { revocation: 'off' } });

function plainMessage(from: string, subject: string): Uint8Array {
  return buildEntity(
    [
      ['From', from],
      ['To', 'Bob <bob@example.com>'],
      ['Subject', subject],
      ['Date', 'Sun, 06 Dec 2026 09:00:00 +0000'],
      ['Message-ID', '<web-test@example.com>'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=us-ascii'],
      ['Content-Transfer-Encoding', '7bit'],
    ],
    `${BODY.replace(/\n/g, '\r\n')}\r\n`,
  );
}

async function put(name: string, bytes: Uint8Array | string): Promise<void> {
  files[name] = join(work, name);
  await writeFile(files[name], bytes);
}

/** The mail of every case, made now: no stored blobs. */
async function makeFixtures(): Promise<void> {
  const ca = await generateTestCa({ commonName: 'Sealpost Web Test Root CA' });
  alice = await generateTestIdentity({ email: 'alice@example.com', ca, commonName: 'Alice Example' });
  bob = await generateTestIdentity({ email: 'bob@example.com', ca, commonName: 'Bob Example' });
  const mallory = await generateTestIdentity({ email: 'mallory@example.com', ca, commonName: 'Mallory Example' });
  await put('ca.pem', pemEncode(ca.certificate, 'CERTIFICATE'));
  await put('bob.crt', pemEncode(bob.certificate, 'CERTIFICATE'));
  await put('bob.p12', await writePkcs12(bob, PASSPHRASE));
  await put('alice.p12', await writePkcs12(alice, PASSPHRASE));

  const valid = await sealpost.sign(plainMessage('Alice <alice@example.com>', 'Harbour plans'), { signer: alice });
  await put('valid.eml', valid);
  // One changed word in the signed text: the signature still verifies over its attributes, the digest no longer matches.
  const text = latin1Decode(valid);
  expect(text).toContain('at noon.');
  await put('tampered.eml', latin1Encode(text.replace('at noon.', 'at dusk.')));
  // Mallory's own, trusted certificate, on mail that claims to be from Alice.
  await put('forged.eml', await sealpost.sign(plainMessage('Alice <alice@example.com>', 'Change of plans'), { signer: mallory }));
  await put(
    'encrypted.eml',
    await sealpost.signAndEncrypt(plainMessage('Alice <alice@example.com>', 'Sealed harbour plans'), {
      signer: alice,
      recipients: [bob.certificate, alice.certificate],
      cipher: 'aes-256-gcm',
    }),
  );
  // RFC 9788: the real Subject inside, "[...]" outside; then a relay rewrites the outer Subject.
  const hidden = await sealpost.signAndEncrypt(plainMessage('Alice <alice@example.com>', 'Secret harbour plans'), {
    signer: alice,
    recipients: [bob.certificate, alice.certificate],
    cipher: 'aes-256-gcm',
    headerProtection: 'encrypt',
  });
  const outer = latin1Decode(hidden);
  expect(outer).toContain('Subject: [...]\r\n');
  expect(outer).not.toContain('Secret harbour plans');
  await put('protected.eml', latin1Encode(outer.replace('Subject: [...]\r\n', 'Subject: [...] URGENT\r\n')));
}

/**
 * Chromium, launched once for the file. Without it every test fails with ChromiumMissingError, whose
 * message names Debian's "chromium" package: a missing browser is a failure, never a skip.
 */
function chromium(): Promise<Browser> {
  browser ??= launchChromium();
  return browser;
}

/** A fresh page on the served build; every request it makes is checked to stay on that origin. */
async function newPage(requests: string[], problems: string[]): Promise<Page> {
  const page = await (await chromium()).newPage({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(site.url);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
  return page;
}

/** Drops a file on the drop zone around `inputId`, as a person dragging it from their file manager would. */
async function dropFile(page: Page, inputId: string, name: string): Promise<void> {
  const bytes = Array.from(await readFile(files[name]!));
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'message/rfc822' }));
      return transfer;
    },
    { bytes, name },
  );
  await page.locator(`[data-drop]:has(#${inputId})`).dispatchEvent('drop', { dataTransfer });
}

async function openInPage(page: Page, message: string, options: { p12?: string; passphrase?: string; drop?: boolean } = {}): Promise<{ title: string; text: string }> {
  if (options.drop === true) await dropFile(page, 'open-message', message);
  else await page.getByLabel('Message (.eml)').setInputFiles(files[message]!);
  await page.getByLabel(/Trust anchors/).setInputFiles(files['ca.pem']!);
  if (options.p12 !== undefined) {
    await page.getByLabel(/Your key, to decrypt/).setInputFiles(files[options.p12]!);
    await page
      .getByLabel('Passphrase of the .p12')
      .first()
      .fill(options.passphrase ?? PASSPHRASE);
  }
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const verdict = page.locator('#open-result .verdict');
  await verdict.waitFor({ timeout: 30_000 });
  return { title: (await verdict.locator('h3').textContent()) ?? '', text: (await page.locator('#open-result').innerText()) ?? '' };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

function expectOnlyOwnOrigin(requests: readonly string[]): void {
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => !url.startsWith(site.url) && !url.startsWith('blob:'))).toEqual([]);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sealpost-web-'));
  await mkdir(outputDir, { recursive: true });
  // The page as it ships: Vite's production build, served by a plain static server.
  await build({ configFile: join(appDir, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(work, 'site'), emptyOutDir: true } });
  site = await serveFolder(join(work, 'site'));
  // Chromium starts while the fixtures are made; a launch failure is each test's, not this hook's.
  void chromium().catch(() => undefined);
  await makeFixtures();
});

afterAll(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await site?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('apps/web in Chromium', () => {
  it('shows a valid signature, its signer, the chain to the anchor and the text', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'valid.eml', { drop: true });
      await screenshot(page, 'valid');
      expect(title).toBe('Valid signature');
      expect(text).toContain('CN=Alice Example');
      expect(text).toContain('Yes: alice@example.com is the From address.');
      expect(text).toMatch(/CN=Alice Example\s+CN=Sealpost Web Test Root CA/);
      expect(text).toContain('were written by alice@example.com and not changed since');
      expect(text).toContain('Not covered by the signature: From, To, Subject, Date, Message-ID');
      expect(await page.locator('pre.body').textContent()).toBe(`${BODY}\n`.replace(/\n/g, '\r\n'));
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says a tampered message was changed after signing', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'tampered.eml');
      await screenshot(page, 'tampered');
      expect(title).toBe('Invalid signature');
      expect(text).toContain(REASONS['ERR_DIGEST_MISMATCH']);
      expect(text).toContain('Header as received (not authenticated)');
      expect(text).not.toContain('at dusk.');
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says a forged From was signed by someone else', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'forged.eml');
      await screenshot(page, 'forged-from');
      expect(title).toBe('Invalid signature');
      expect(text).toContain(REASONS['ERR_FROM_MISMATCH']);
      expect(text).toContain('No: From says alice@example.com, the certificate is for mallory@example.com.');
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('decrypts with a .p12 and shows both layers', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'encrypted.eml', { p12: 'bob.p12' });
      await screenshot(page, 'encrypted');
      expect(title).toBe('Valid signature');
      expect(text).toContain('Encrypted: AES-256-GCM, authenticated');
      expect(text).toContain('Decrypted with your key.');
      expect(text).toContain('Signed (detached, multipart/signed): valid');
      expect(text).toContain('Sealed harbour plans');
      expect(await page.locator('pre.body').textContent()).toContain('Bring the charts.');
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the protected Subject and an outer field a relay changed', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'protected.eml', { p12: 'bob.p12' });
      await screenshot(page, 'header-protection');
      expect(title).toBe('Valid signature');
      expect(await page.locator('#protected-subject').textContent()).toBe('Secret harbour plans');
      expect(text).toContain('Hidden from relays: subject.');
      expect(text).toContain('Subject: the outer header shows "[...] URGENT", the sender wrote "[...]".');
      expect(text).toContain('travelled inside the signature and encryption.');
      // The legacy display element (the hidden Subject repeated for old clients) is not shown twice.
      expect(await page.locator('pre.body').textContent()).toBe(`${BODY}\n`.replace(/\n/g, '\r\n'));
      expect(text).not.toContain('HP-Outer');
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('explains a wrong passphrase instead of failing silently', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      const { title, text } = await openInPage(page, 'encrypted.eml', { p12: 'bob.p12', passphrase: 'wrong' });
      expect(title).toBe('Could not use a file you gave');
      expect(text).toContain(`bob.p12: ${REASONS['ERR_PKCS12_PASSWORD']}`);
      expect(text).not.toContain(PASSPHRASE);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('writes a signed and encrypted message that its recipient and its sender can open', async () => {
    const requests: string[] = [];
    const problems: string[] = [];
    const page = await newPage(requests, problems);
    try {
      await page.getByLabel('Your key and certificate (.p12)').setInputFiles(files['alice.p12']!);
      await page.locator('#compose-passphrase').fill(PASSPHRASE);
      await page.getByLabel(/Recipients' certificates/).setInputFiles(files['bob.crt']!);
      await page.getByLabel('From', { exact: true }).fill('Alice <alice@example.com>');
      await page.getByLabel('To', { exact: true }).fill('bob@example.com');
      await page.getByLabel('Subject', { exact: true }).fill('Grüße from the page');
      await page.getByLabel('Message', { exact: true }).fill('Written in Chromium.\nSealed there too.');
      await page.getByLabel(/Protect the header fields/).check();
      await page.getByRole('button', { name: 'Sign and encrypt' }).click();
      const link = page.getByRole('link', { name: 'Download sealed.eml' });
      await link.waitFor({ timeout: 30_000 });
      await screenshot(page, 'compose');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const sealed = new Uint8Array(await readFile((await download.path())!));
      expectOnlyOwnOrigin(requests);
      expect(problems).toEqual([]);
      // RFC 9788: relays see "[...]"; the real Subject is inside.
      expect(latin1Decode(sealed)).toContain('Subject: [...]\r\n');

      const anchors = [parseAnchor(await readFile(files['ca.pem']!, 'utf8'))];
      for (const [identity, who] of [
        [bob, 'recipient'],
        [alice, 'sender'],
      ] as const) {
        const report = await sealpost.open(sealed, { identities: [identity], trustAnchors: anchors });
        expect(report.status, who).toBe('valid');
        expect(report.layers.map((l) => l.type)).toEqual(['enveloped', 'signed']);
        const opened = latin1Decode(report.content!);
        expect(opened).toContain('Subject: =?utf-8?');
        expect(opened).toContain('From: "Alice" <alice@example.com>');
        expect(report.headerProtection?.confidential, who).toEqual(['subject']);
        expect(report.headerProtection?.headers.find((h) => h.name === 'Subject')?.value, who).toMatch(/^=\?utf-8\?/);
      }
      // The p12 read in Node too, to show the page used the file it was given.
      expect((await readPkcs12(new Uint8Array(await readFile(files['alice.p12']!)), PASSPHRASE)).certificate).toEqual(alice.certificate);
    } finally {
      await page.close();
    }
  });
});

function parseAnchor(pem: string): Uint8Array {
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
