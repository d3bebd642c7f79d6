#!/usr/bin/env node
// Runs `prisma generate` offline. Prisma's CLI first tries to download its native schema
// engine from a host this machine cannot reach; generating the client does not need it, so
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets generate run (ENVIRONMENT.md).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = require.resolve('prisma/build/index.js');
execFileSync(process.execPath, [cli, 'generate', '--schema', path.join(__dirname, 'schema.prisma')], {
  stdio: 'inherit',
  env,
});
