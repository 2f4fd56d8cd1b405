#!/usr/bin/env node
// The `ana` npm bin: runs the built CLI (npm run build), or the TypeScript source through tsx in a
// development checkout (always with ANA_CLI_FROM_SOURCE=1, which tools/bin/ana sets).
import { existsSync } from 'node:fs';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`ana needs Node 24 or newer; this is Node ${process.versions.node}. Run 'bash tools/setup.sh', then 'bash tools/run ana ...'.`);
  process.exit(1);
}
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/ana.js', import.meta.url));
if (existsSync(built) && !process.env.ANA_CLI_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli/ana.ts', import.meta.url).href);
}
