/**
 * The boundary rules must actually catch violations: plant forbidden imports in a scratch tree
 * laid out like the project (inside the repo, so node_modules resolve) and cruise it with the
 * project's own configuration.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { projectRoot } from '../../../electron/core/paths';

const root = projectRoot();
let scratch: string;
let violations: { rule: string; from: string; to: string }[];

const PLANTED: Record<string, string> = {
  'electron/core/planted-electron.ts': "import { app } from 'electron';\nexport const planted = app;\n",
  'electron/core/reading/planted-ort.ts': "import * as ort from 'onnxruntime-node';\nexport const planted = ort;\n",
  'electron/core/reading/planted-sqlite.ts': "import Database from 'better-sqlite3';\nexport const planted = Database;\n",
  'electron/core/reading/planted-sharp.ts': "import sharp from 'sharp';\nexport const planted = sharp;\n",
  'electron/core/app.ts': 'export const app = 1;\n',
  'renderer/src/planted-core.ts': "import { app } from '../../electron/core/app';\nexport const planted = app;\n",
  'electron/contract/planted-node.ts': "import { readFileSync } from 'node:fs';\nexport const planted = readFileSync;\n",
  'electron/main/allowed.ts': "import { app } from 'electron';\nexport const allowed = app;\n",
  'electron/core/inference/engine.ts': "import * as ort from 'onnxruntime-node';\nexport const allowed = ort;\n",
};

beforeAll(async () => {
  mkdirSync(join(root, 'test-output'), { recursive: true });
  scratch = mkdtempSync(join(root, 'test-output', 'boundaries-'));
  for (const [file, text] of Object.entries(PLANTED)) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    writeFileSync(join(scratch, file), text);
  }
  const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));
  const previous = process.cwd();
  process.chdir(scratch);
  try {
    const result = await cruise(['electron', 'renderer'], { validate: true, ruleSet: { forbidden: config.forbidden }, ...config.options, tsConfig: undefined, exclude: undefined });
    const output = result.output as ICruiseResult;
    violations = output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(previous);
  }
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const reported = (rule: string, from: string) => violations.some((v) => v.rule === rule && v.from === from);

it("reports 'electron' imported outside the shell", () => {
  expect(reported('electron-only-in-shell', 'electron/core/planted-electron.ts')).toBe(true);
  expect(violations.some((v) => v.from === 'electron/main/allowed.ts')).toBe(false);
});

it('reports a native library imported by a second module', () => {
  expect(reported('onnxruntime-node-single-importer', 'electron/core/reading/planted-ort.ts')).toBe(true);
  expect(reported('better-sqlite3-single-importer', 'electron/core/reading/planted-sqlite.ts')).toBe(true);
  expect(reported('sharp-single-importer', 'electron/core/reading/planted-sharp.ts')).toBe(true);
  expect(violations.some((v) => v.from === 'electron/core/inference/engine.ts')).toBe(false);
});

it('reports the renderer reaching past the contract, and an impure contract', () => {
  expect(reported('renderer-only-contract', 'renderer/src/planted-core.ts')).toBe(true);
  expect(reported('contract-is-pure', 'electron/contract/planted-node.ts')).toBe(true);
});
