import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page and its worker as a static site: relative paths, the worker as an ES module, nothing inlined
// (the page's CSP is default-src 'self'). The test builds it into a temporary folder and serves that.
export default defineConfig({
  root: fileURLToPath(new URL('./src/browser', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    minify: false,
  },
  worker: { format: 'es' },
});
