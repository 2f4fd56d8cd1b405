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
  // A module cycle, and a folder cycle made of modules that are not themselves in a cycle.
  'electron/core/cyclic/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'electron/core/cyclic/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  'electron/core/upper/uses-lower.ts': "import { lower } from '../lower/lower';\nexport const upper = lower;\n",
  'electron/core/upper/base.ts': 'export const base = 1;\n',
  'electron/core/lower/lower.ts': 'export const lower = 1;\n',
  'electron/core/lower/uses-upper.ts': "import { base } from '../upper/base';\nexport const planted = base;\n",
  // A view and a state class calling the API itself instead of through a service.
  'renderer/src/lib/services/api.ts': 'export const call = () => 1;\n',
  'renderer/src/lib/services/cases.service.ts': "import { call } from './api';\nexport const getCase = call;\n",
  'renderer/src/views/PlantedView.ts': "import { call } from '../lib/services/api';\nexport const planted = call;\n",
  'renderer/src/views/AllowedView.ts': "import { getCase } from '../lib/services/cases.service';\nexport const allowed = getCase;\n",
  'renderer/src/lib/state/planted.state.ts': "import { call } from '../services/api';\nexport const planted = call;\n",
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

it('reports module cycles and folder cycles as errors', () => {
  expect(violations.some((v) => v.rule === 'no-circular' && v.from === 'electron/core/cyclic/a.ts')).toBe(true);
  const folderCycle = violations.filter((v) => v.rule === 'no-folder-cycles').map((v) => `${v.from} → ${v.to}`);
  expect(folderCycle).toContain('electron/core/upper → electron/core/lower');
  expect(folderCycle).toContain('electron/core/lower → electron/core/upper');
});

it('reports a view or a state class calling the API without a service', () => {
  expect(reported('renderer-ipc-through-services', 'renderer/src/views/PlantedView.ts')).toBe(true);
  expect(reported('renderer-ipc-through-services', 'renderer/src/lib/state/planted.state.ts')).toBe(true);
  expect(violations.some((v) => v.from === 'renderer/src/lib/services/cases.service.ts')).toBe(false);
  expect(violations.some((v) => v.from === 'renderer/src/views/AllowedView.ts')).toBe(false);
});

it('reports the renderer reaching past the contract, and an impure contract', () => {
  expect(reported('renderer-only-contract', 'renderer/src/planted-core.ts')).toBe(true);
  expect(reported('contract-is-pure', 'electron/contract/planted-node.ts')).toBe(true);
});
