export { CHROMIUM_PACKAGE, ChromiumMissingError, DEBIAN_CHROMIUM, findChromium, launchChromium, type LaunchChromiumOptions } from './chromium.js';
export { serveFolder, type ServedFolder, type ServeFolderOptions } from './serve-folder.js';
export type { Browser, BrowserContext, Page } from 'playwright-core';
