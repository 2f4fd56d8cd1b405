/**
 * A day's run for end-to-end tests: synthetic HEp-2 fields written as PNG files (the generator
 * of electron/core/synth) that the tests read with the real model into a fresh record, plus the
 * test users. The 2048×1536 field is the viewer's performance case.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeField, generateField } from '../../electron/core/synth/index';
import { projectRoot } from '../../electron/core/paths';
import { tempDir } from '../support/temp-dir';

export interface DaySlide {
  accessionId: string;
  path: string;
  widthPx: number;
  heightPx: number;
  labels: string[];
}

export async function writeDaySlides(dir = tempDir('ana-e2e-day-')): Promise<DaySlide[]> {
  mkdirSync(dir, { recursive: true });
  const plan = [
    { accessionId: 'A2026-0101', widthPx: 2048, heightPx: 1536, labels: ['homogeneous', 'golgi'], seed: 101 },
    { accessionId: 'A2026-0102', widthPx: 1024, heightPx: 768, labels: ['centromere'], seed: 102 },
    // A second field of the same well: one case, two slides.
    { accessionId: 'A2026-0102', field: 'F2', widthPx: 1024, heightPx: 768, labels: ['centromere'], seed: 112 },
    { accessionId: 'A2026-0103', widthPx: 1024, heightPx: 768, labels: [], seed: 103 },
  ];
  const slides: DaySlide[] = [];
  for (const p of plan) {
    const field = generateField({ widthPx: p.widthPx, heightPx: p.heightPx, labels: p.labels }, p.seed);
    const path = join(dir, `${p.accessionId}_${'field' in p ? p.field : 'F1'}.png`);
    writeFileSync(path, await encodeField(field, 'png-rgb8'));
    slides.push({ accessionId: p.accessionId, path, widthPx: p.widthPx, heightPx: p.heightPx, labels: p.labels });
  }
  // The committed walking-skeleton fixture joins the day: a real file from outside the generator.
  const fixture = join(dir, 'A2026-0001_F1.png');
  copyFileSync(join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png'), fixture);
  slides.push({ accessionId: 'A2026-0001', path: fixture, widthPx: 640, heightPx: 480, labels: [] });
  return slides;
}
