/**
 * The runtimes the package tables claim, each running the same round trips (src/scenarios.ts) on the same
 * inputs made here in Node: Node itself, a Chromium page, a dedicated Web Worker in that page (Debian's
 * Chromium through @sealpost/browser, the bundle built now with Vite), Deno and Bun (from the workspace's
 * pinned npm packages, running the built dist). Every runtime must give Node's statuses, codes and facts.
 * A missing runtime fails the test and names what installs it; nothing is skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type ServedFolder, launchChromium, serveFolder } from '@sealpost/browser';
import { createForgeBackend } from '@sealpost/backend-forge';
import { createPkijsBackend } from '@sealpost/backend-pkijs';
import { type Runtime, createSealpost } from '@sealpost/core';
import { type FakeSparkPost, TEST_API_KEY, startFakeSparkPost } from '../../../packages/transport-sparkpost/test-support/fake-sparkpost.js';
import { type FixturesJson, bytesOf } from './fixtures.js';
import { makeFixtures, withoutNetwork } from './make-fixtures.js';
import type { ScenarioResult } from './scenarios.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const workspaceDir = join(packageDir, '..', '..');
const cli = join(packageDir, 'dist', 'runtime-cli.js');
const RUN_TIMEOUT_MS = 90_000;

interface RuntimeRun {
  readonly runtime: string;
  readonly version: string;
  readonly pkijsEntry: string;
  readonly results: readonly ScenarioResult[];
}

/** A server-side runtime: the npm package that installs it and how to run a file there with least permission. */
interface ServerRuntime {
  readonly name: 'node' | 'deno' | 'bun';
  readonly command: string;
  args(fixtures: FixturesJson): string[];
}

const bin = (name: string): string => join(packageDir, 'node_modules', '.bin', name);

const SERVER_RUNTIMES: readonly ServerRuntime[] = [
  { name: 'node', command: process.execPath, args: () => [cli] },
  {
    name: 'deno',
    command: bin('deno'),
    // Read the workspace (the modules), reach the contract server; nothing else (no env, no other net, no write).
    args: (f) => ['run', '--no-prompt', '--no-lock', `--allow-read=${workspaceDir}`, `--allow-net=${new URL(f.sparkpost!.baseUrl).host}`, cli],
  },
  { name: 'bun', command: bin('bun'), args: () => [cli] },
];

/** Runs the CLI in a runtime: fixtures (test keys) on stdin, never in argv or the environment. */
function runServerRuntime(runtime: ServerRuntime, fixtures: FixturesJson): Promise<RuntimeRun> {
  if (runtime.name !== 'node' && !existsSync(runtime.command)) {
    throw new Error(
      `${runtime.name} is not installed at ${runtime.command}: it comes from the npm package "${runtime.name}", a pinned ` +
        'devDependency of @sealpost/runtimes (run `node tooling/scripts/pnpm.mjs install`)',
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.command, runtime.args(fixtures), {
      cwd: packageDir,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? tmpdir(), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: RUN_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`${runtime.name} exited ${code ?? signal}: ${stderr.slice(0, 2000)}`));
      try {
        resolve(JSON.parse(stdout) as RuntimeRun);
      } catch {
        reject(new Error(`${runtime.name} wrote no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 1000)}`));
      }
    });
    child.stdin.end(JSON.stringify(fixtures));
  });
}

const withoutOutput = ({ output: _output, ...rest }: ScenarioResult): Omit<ScenarioResult, 'output'> => rest;
const byName = (results: readonly ScenarioResult[]): Map<string, Omit<ScenarioResult, 'output'>> => new Map(results.map((r) => [r.name, withoutOutput(r)]));
const scenarioOf = (name: string): string => name.slice(name.indexOf(': ') + 2);

/** What Node must answer, so that equal answers elsewhere mean working code (not the same failure). */
function expectNodeAnswers(results: readonly ScenarioResult[]): void {
  for (const r of results) {
    const s = r.name;
    if (s.startsWith('core/testing')) {
      expect(r, s).toMatchObject({ status: 'ec-p256:valid ed25519:valid', codes: [] });
    } else if (s.endsWith('tampered signed message')) {
      expect(r, s).toMatchObject({ status: 'invalid' });
      expect(r.codes, s).toContain('ERR_DIGEST_MISMATCH');
    } else if (s.endsWith('tampered AES-GCM message')) {
      expect(r, s).toMatchObject({ status: 'failed', codes: ['ERR_DECRYPTION_FAILED'] });
    } else if (s.includes('sign and verify') || s.includes('open') || s.includes('header protection') || s.includes(': verify')) {
      expect(r, s).toMatchObject({ status: 'valid', codes: [], facts: { content: true } });
    } else if (s.includes('encrypt and decrypt') || s.includes('keystore-memory') || s.includes('AES-192')) {
      expect(r, s).toMatchObject({ status: 'decrypted', codes: [], facts: { content: true } });
    } else if (s.includes('relay collector')) {
      expect(r, s).toMatchObject({ status: '200', facts: { wrongToken: 401, storedBefore: false, stored: true } });
    } else if (s.startsWith('transport-sparkpost: a sealed transmission')) {
      expect(r, s).toMatchObject({ status: 'accepted', codes: [], facts: { transport: 'sparkpost', id: true } });
    } else {
      throw new Error(`no expectation for ${s}`);
    }
    const signing = /sign and verify (\S+)$/.exec(s);
    if (signing !== null) expect(r.facts['signatureAlgorithm'], s).toBe(signing[1]);
    if (s.endsWith('to ECDH P-256')) expect(r.facts['keyAgreement'], s).toBe('ecdh-p256');
    if (s.endsWith('to X25519')) expect(r.facts['keyAgreement'], s).toBe('x25519');
    const transport = /encrypt and decrypt \S+ (rsa-\S+)$/.exec(s);
    if (transport !== null) expect(r.facts['keyTransport'], s).toBe(transport[1]);
    if (s.includes('header protection') || s.includes('header-protected')) {
      expect(r.facts, s).toMatchObject({ outerSubject: '[...]', hp: 'cipher', hpSigned: true, hpEncrypted: true, confidential: 'subject', outerDifferences: 0 });
      expect(String(r.facts['protectedSubject']), s).toMatch(/^Q3 figures: /);
    }
  }
  // Every backend answers every scenario alike: the property pluggable backends promise.
  const perScenario = new Map<string, string>();
  for (const r of results.filter((x) => x.name.includes(': ') && !x.name.startsWith('core/testing') && !x.name.startsWith('transport-sparkpost: a sealed'))) {
    const key = scenarioOf(r.name);
    const answer = JSON.stringify({ status: r.status, codes: r.codes, facts: r.facts });
    expect(perScenario.get(key) ?? answer, `${r.name} differs from another backend`).toBe(answer);
    perScenario.set(key, answer);
  }
}

type Answer = Omit<ScenarioResult, 'output'>;

/**
 * `results` hold exactly Node's scenarios (less `except`), each with Node's answer, or with the answer
 * `differences` documents for this runtime (a typed refusal where the runtime lacks an algorithm).
 */
function expectSameAsNode(
  where: string,
  results: readonly ScenarioResult[],
  except: (name: string) => boolean = () => false,
  differences: Readonly<Record<string, (node: Answer) => Answer>> = {},
): void {
  const expected = byName(node.results.filter((r) => !except(r.name)));
  const actual = byName(results);
  expect([...actual.keys()], `${where}: the scenarios that ran`).toEqual([...expected.keys()]);
  for (const [name, answer] of actual) {
    const nodeAnswer = expected.get(name)!;
    expect(answer, `${where}: ${name}`).toEqual(differences[name]?.(nodeAnswer) ?? nodeAnswer);
  }
}

/**
 * Chromium's WebCrypto has no 192-bit AES (backend-pkijs README, "Runtimes"): the portable pkijs refuses
 * it with ERR_UNSUPPORTED_CIPHER, typed, where Node decrypts; forge, pure JavaScript, decrypts it there too.
 */
const CHROMIUM_DIFFERENCES: Readonly<Record<string, (node: Answer) => Answer>> = {
  "pkijs: decrypt Node's AES-192-CBC message": (n) => ({ ...n, status: 'failed', codes: ['ERR_UNSUPPORTED_CIPHER'], facts: { ...n.facts, content: false } }),
};

/** Node reads back the sealed message a runtime wrote. */
async function expectNodeOpens(where: string, results: readonly ScenarioResult[]): Promise<void> {
  const sp = createSealpost({ backend: createPkijsBackend(), policy: { revocation: 'off' } });
  const written = results.filter((r) => r.output !== undefined);
  expect(written.length, `${where}: messages written`).toBeGreaterThan(0);
  const rsa = fixtures.identities.rsa;
  for (const r of written) {
    const report = await sp.open(bytesOf(r.output!), {
      identities: [{ certificate: bytesOf(rsa.certificate), privateKey: { type: 'pkcs8', der: bytesOf(rsa.privateKey) } }],
      trustAnchors: fixtures.anchors.map(bytesOf),
    });
    expect(report.status, `${where}: Node opens what ${r.name} wrote`).toBe('valid');
  }
}

let fixtures: FixturesJson;
let node: RuntimeRun;
let sparkpost: FakeSparkPost;
let work: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the package first (turbo run build --filter=@sealpost/runtimes...)`);
  sparkpost = await startFakeSparkPost();
  work = await mkdtemp(join(tmpdir(), 'sealpost-runtimes-'));
  fixtures = await makeFixtures({ backend: createPkijsBackend(), sparkpost: { baseUrl: sparkpost.baseUrl, apiKey: TEST_API_KEY } });
  node = await runServerRuntime(SERVER_RUNTIMES[0]!, fixtures);
});

afterAll(async () => {
  await sparkpost?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('Node (the reference every other runtime is compared with)', () => {
  it('answers every round trip as expected, every backend alike', async () => {
    expect(node.runtime).toBe('node');
    expect(node.pkijsEntry).toBe('index.node.js');
    expectNodeAnswers(node.results);
    expect(node.results.length).toBeGreaterThan(50);
    await expectNodeOpens('node', node.results);
  });
});

describe("Chromium (Debian's, headless): a page and a dedicated Web Worker", () => {
  let browser: Promise<Browser> | undefined;
  let site: ServedFolder | undefined;
  // Launched on first use: without Chromium the test fails with ChromiumMissingError, naming the package.
  const chromium = (): Promise<Browser> => (browser ??= launchChromium());

  afterAll(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await site?.close();
  });

  for (const where of ['page', 'worker'] as const) {
    it(`runs the round trips in a ${where} with Node's answers`, async () => {
      if (site === undefined) {
        await build({ configFile: join(packageDir, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(work, 'site'), emptyOutDir: true } });
        // The browser build took backend-pkijs's portable entry: nothing in it asks for a Node module.
        const assets = await readdir(join(work, 'site', 'assets'));
        for (const asset of assets.filter((a) => a.endsWith('.js'))) expect(await readFile(join(work, 'site', 'assets', asset), 'utf8'), asset).not.toMatch(/["']node:/);
        site = await serveFolder(join(work, 'site'));
      }
      const page = await (await chromium()).newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      try {
        await page.goto(site.url);
        await page.locator('#state').filter({ hasText: 'ready' }).waitFor({ timeout: 15_000 });
        const answer = JSON.parse(await page.evaluate(([w, f]) => window.sealpostRuntimes.run(w, f), [where, JSON.stringify(withoutNetwork(fixtures))] as const)) as {
          results?: ScenarioResult[];
          error?: string;
          hasDocument?: boolean;
        };
        expect(answer.error, `${where}: error`).toBeUndefined();
        expect(answer.hasDocument, 'where it ran').toBe(where === 'page');
        // A page sends no transmission: the SparkPost API takes an API key, which has no place in a page.
        expectSameAsNode(`chromium ${where}`, answer.results ?? [], (name) => name.startsWith('pkijs-portable:') || name.startsWith('transport-sparkpost: a sealed'), CHROMIUM_DIFFERENCES);
        await expectNodeOpens(`chromium ${where}`, answer.results ?? []);
        expect(pageErrors).toEqual([]);
        if (where === 'worker') expect(site.requests.some((r) => /worker.*\.js$/.test(r))).toBe(true);
      } finally {
        await page.close();
      }
    });
  }
});

describe.each(['deno', 'bun'] as const)('%s (from the npm package of the same name)', (name) => {
  it("runs the round trips from the built packages with Node's answers", async () => {
    const runtime = SERVER_RUNTIMES.find((r) => r.name === name)!;
    const before = sparkpost.requests.length;
    const run = await runServerRuntime(runtime, fixtures);
    expect(run.runtime).toBe(name);
    // Both resolve the package's `node` export condition, as Node does: the Node entry (node:crypto RSA).
    expect(run.pkijsEntry).toBe('index.node.js');
    expectSameAsNode(name, run.results);
    await expectNodeOpens(name, run.results);
    // The transmission reached the contract server from this runtime, as raw sealed content.
    const sent = sparkpost.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(String((sent[0]!.json as { content: { email_rfc822: string } }).content.email_rfc822)).toMatch(/application\/pkcs7-mime/);
  });
});

describe('capabilities', () => {
  // What the tests above run each portable backend in: Node, a Chromium page (browser), a Web Worker, Deno, Bun.
  const TESTED: readonly Runtime[] = ['node', 'browser', 'worker', 'deno', 'bun'];

  it.each([
    ['backend-pkijs', createPkijsBackend],
    ['backend-forge', createForgeBackend],
  ] as const)('%s claims exactly the runtimes this file runs it in', (_name, create) => {
    expect([...create().capabilities.runtimes].sort()).toEqual([...TESTED].sort());
  });
});
