import { accessSync, constants } from 'node:fs';
import { type Browser, type LaunchOptions, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts its launcher. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The Debian package that provides it: what a person on a machine without it has to install. */
export const CHROMIUM_PACKAGE = 'chromium';

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;

/** Chromium is not on this machine: a test that needs it fails with this, never skips. */
export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
  readonly code = 'ERR_CHROMIUM_MISSING';
  readonly path: string;

  constructor(path: string) {
    super(
      `Chromium was not found at ${path}: install Debian's "${CHROMIUM_PACKAGE}" package ` + `(apt-get install ${CHROMIUM_PACKAGE}; .ci/run does), or set SEALPOST_CHROMIUM to a Chromium executable`,
    );
    this.path = path;
  }
}

/**
 * The Chromium executable the tests drive: SEALPOST_CHROMIUM when set, else Debian's. A browser that
 * playwright would download is never used: tests run the distribution's build, which CI installs.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const path = env['SEALPOST_CHROMIUM'] || DEBIAN_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(path);
  }
  return path;
}

export interface LaunchChromiumOptions {
  /** Default: findChromium(). */
  readonly executablePath?: string;
  /** Default 30 s: a cold start on a busy 2-core machine takes a few seconds. */
  readonly timeoutMs?: number;
  /** Extra command-line switches. */
  readonly args?: readonly string[];
}

/**
 * Headless Chromium through playwright-core. Close it in a finally (or afterAll): it is a process tree.
 * Chromium's sandbox needs user namespaces that containers and root often lack, so it runs without one;
 * only pages the test serves itself are loaded.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? findChromium();
  const launch: LaunchOptions = {
    executablePath,
    headless: true,
    chromiumSandbox: false,
    timeout: options.timeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS,
    // No profile sync, component updates or field trials: nothing reaches past loopback.
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', ...(options.args ?? [])],
  };
  return chromium.launch(launch);
}
