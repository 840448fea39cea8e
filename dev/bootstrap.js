#!/usr/bin/env node
// Plain JavaScript on purpose: it runs before TypeScript tooling exists. Makes `npm start` and `npm test`
// work on a fresh clone: installs the locked dependencies when node_modules is missing or older than the
// lockfile, and generates the Prisma client when it is missing or older than the schema.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mtime = (file) => {
  try {
    return fs.statSync(path.join(root, file)).mtimeMs;
  } catch {
    return 0;
  }
};
const run = (command, args) => {
  console.error(`[bootstrap] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
if (mtime('generated/prisma/client.ts') < Math.max(mtime('prisma/schema.prisma'), mtime('node_modules/.package-lock.json'))) {
  run(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate']);
}
