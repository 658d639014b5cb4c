// Preloaded (NODE_OPTIONS=--require) by node-matrix.mjs when the suite runs under a Node other than the
// one the workspace was installed with. better-sqlite3 is a native addon built against one Node ABI, and
// the checkout holds one build of it (for the Node that ran `pnpm install`); node-matrix.mjs builds it for
// the other Node into SEALPOST_NATIVE_ADDONS, and this makes every process of that run load that build
// instead, so one checkout and one lockfile serve every Node version without changing a file in them.
'use strict';
const { existsSync, realpathSync } = require('node:fs');
const { basename, join, sep } = require('node:path');

const dir = process.env.SEALPOST_NATIVE_ADDONS;
const abiDir = dir === undefined ? undefined : join(dir, `node-v${process.versions.modules}`);

// Only the workspace's own copy is redirected: a better-sqlite3 that npm installed and built elsewhere (the
// package tests install the packed CLI into a scratch folder) already matches the Node that built it.
const WORKSPACE_MODULES = join(realpathSync(join(__dirname, '..', '..')), 'node_modules') + sep;
const RELEASE_BUILD = `${sep}better-sqlite3${sep}build${sep}Release${sep}`;

if (abiDir !== undefined && existsSync(abiDir)) {
  const dlopen = process.dlopen;
  process.dlopen = function redirectedDlopen(module, filename, ...rest) {
    const name = String(filename);
    if (name.startsWith(WORKSPACE_MODULES) && name.includes(RELEASE_BUILD)) {
      const built = join(abiDir, basename(name));
      if (existsSync(built)) return dlopen.call(this, module, built, ...rest);
    }
    return dlopen.call(this, module, filename, ...rest);
  };
}
