import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, ChromiumMissingError, findChromium, launchChromium, serveFolder } from './index.js';

// A page that hands work to a module worker, the shape a backend round trip in a worker takes.
const PAGE = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>worker</title><output id="out">waiting</output><script type="module" src="main.js"></script>`;
const MAIN = `const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => { document.getElementById('out').textContent = event.data; };
worker.postMessage('abc');`;
const WORKER = `self.onmessage = async (event) => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(event.data));
  self.postMessage(Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''));
};`;

function get(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), { path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('findChromium', () => {
  it('fails, naming the Debian package, when the executable is missing', () => {
    const error = (() => {
      try {
        findChromium({ SEALPOST_CHROMIUM: '/nonexistent/chromium' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ChromiumMissingError);
    expect((error as ChromiumMissingError).code).toBe('ERR_CHROMIUM_MISSING');
    expect((error as Error).message).toMatch(/install Debian's "chromium" package/);
  });
});

describe('serveFolder and launchChromium', () => {
  let dir: string;
  let browser: Promise<Browser> | undefined;
  // Launched on first use: without Chromium the test that needs it fails (ChromiumMissingError), never skips.
  const chromium = (): Promise<Browser> => (browser ??= launchChromium());

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-browser-'));
    await writeFile(join(dir, 'index.html'), PAGE);
    await writeFile(join(dir, 'main.js'), MAIN);
    await writeFile(join(dir, 'worker.js'), WORKER);
  });

  afterAll(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves files, 404s what is not there, and never leaves the folder', async () => {
    const served = await serveFolder(dir);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await get(served.url, '/')).toBe(200);
      expect(await get(served.url, '/main.js')).toBe(200);
      expect(await get(served.url, '/missing.js')).toBe(404);
      expect(await get(served.url, '/%2e%2e/%2e%2e/etc/passwd')).toBe(404);
      expect(await get(served.url, '/..%2fetc%2fpasswd')).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('runs a module worker with WebCrypto in a served page', async () => {
    const served = await serveFolder(dir);
    const page = await (await chromium()).newPage();
    try {
      await page.goto(served.url);
      await page
        .locator('#out')
        .filter({ hasText: /^[0-9a-f]{64}$/ })
        .waitFor({ timeout: 15_000 });
      // SHA-256("abc"), FIPS 180-2 appendix B.1.
      expect(await page.locator('#out').textContent()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(served.requests).toEqual(expect.arrayContaining(['/', '/main.js', '/worker.js']));
    } finally {
      await page.close();
      await served.close();
    }
  });
});
