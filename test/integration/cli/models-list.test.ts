/**
 * `ana models list` names the patterns a fine-tuned version was not trained on, in its table and its
 * JSON, and gives the gate's verdict: both versions' figures, the reasons of a refusal and how far
 * the differences would move on another validation set as large.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../electron/core/db/connection';
import { insertModelVersion, setModelValidation } from '../../../electron/core/db/model-version.repo';
import { ensureActiveModel } from '../../../electron/core/models/model-registry';
import { defaultModelDir } from '../../../electron/core/paths';
import { anaInProcess } from '../../support/ana-cli';
import { refusedGate } from '../../support/refused-gate';

const dir = mkdtempSync(join(tmpdir(), 'ana-models-list-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists a candidate with the patterns too few training cases held, and the shipped version without', async () => {
  const dbPath = join(dir, 'ana.db');
  const db = openDatabase(dbPath);
  const { row: shipped } = await ensureActiveModel(db, defaultModelDir(), SYSTEM_ACTOR);
  // As fine-tuning registers a candidate: the provenance names what it left out (finetune-network.test.ts checks the writing).
  const version = `${shipped.version}+lab`;
  const untrainedCalls = { cases: 247, calls: [{ key: 'nuclear_dots', called: 60, signed: 10 }, { key: 'mitochondrial', called: 135, signed: 10 }] };
  const manifest = { ...(shipped.manifest as Record<string, unknown>), version, provenance: { training: { untrainedLabels: ['nuclear_dots', 'mitochondrial'], untrainedCalls } } };
  insertModelVersion(db, { modelId: shipped.modelId, version, manifest, packageSha256: shipped.packageSha256, dirPath: shipped.dirPath, source: 'fine-tuned', parentId: shipped.id, trainingRunId: null, status: 'validated', createdAtMs: Date.now() }, SYSTEM_ACTOR);
  db.close();

  const table = await anaInProcess(['models', 'list', '--db', dbPath]);
  expect(table.status, table.stderr).toBe(0);
  const lines = table.stdout.split('\n');
  const candidate = lines.findIndex((l) => l.includes(version));
  expect(lines[candidate + 1]).toMatch(/^ +not trained on nuclear_dots, mitochondrial: too few training cases held them; thresholds of the version it started from, read through shared layers that did learn$/);
  expect(lines[candidate + 2]).toMatch(/^ +on its 247 training cases it calls nuclear_dots 60 times \(signed 10\), mitochondrial 135 times \(signed 10\)$/);
  expect(lines.filter((l) => l.includes('not trained on'))).toHaveLength(1);

  const json = await anaInProcess(['models', 'list', '--db', dbPath, '--json']);
  const rows = JSON.parse(json.stdout) as { version: string; untrained: string[]; untrainedCalls: unknown; manifest?: unknown }[];
  expect(rows.map((r) => [r.version, r.untrained, r.untrainedCalls])).toEqual([[shipped.version, [], null], [version, ['nuclear_dots', 'mitochondrial'], untrainedCalls]]);
  expect(rows[0]).not.toHaveProperty('manifest');
});

it("lists a refused candidate with both versions' figures, the gate's reasons and its spread", async () => {
  const dbPath = join(dir, 'gate.db');
  const db = openDatabase(dbPath);
  const { row: shipped } = await ensureActiveModel(db, defaultModelDir(), SYSTEM_ACTOR);
  const gate = refusedGate();
  expect(gate.passed).toBe(false);
  const candidate = insertModelVersion(db, { modelId: shipped.modelId, version: `${shipped.version}+lab`, manifest: shipped.manifest, packageSha256: shipped.packageSha256, dirPath: shipped.dirPath, source: 'fine-tuned', parentId: shipped.id, trainingRunId: null, createdAtMs: Date.now() }, SYSTEM_ACTOR);
  setModelValidation(db, candidate.id, 'rejected', { gate }, SYSTEM_ACTOR);
  db.close();

  const table = await anaInProcess(['models', 'list', '--db', dbPath]);
  expect(table.status, table.stderr).toBe(0);
  const lines = table.stdout.split('\n');
  const at3 = (v: number) => v.toFixed(3);
  const row = lines.findIndex((l) => l.includes(`${shipped.version}+lab`));
  expect(lines[row]).toContain(`rejected  fine-tuned from ${shipped.id} gate refused (macro-F1 ${at3(gate.active.f1_macro)} → ${at3(gate.candidate.f1_macro)}, mAP ${at3(gate.active.map)} → ${at3(gate.candidate.map)}, 8 cases)`);
  expect(lines.slice(row + 1, row + 1 + gate.reasons.length)).toEqual(gate.reasons.map((r) => `        - ${r}`));
  expect(lines[row + 1 + gate.reasons.length]).toBe(`        on another 8 cases like these the differences would typically move by ${at3(gate.spread!.f1_macro)} (macro-F1) and ${at3(gate.spread!.map)} (mAP)`);
});
