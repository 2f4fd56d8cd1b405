/** The done-when of the reading issue: the committed demo day reads with the shipped default model. */
import { expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/db/connection';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import { createReadingService } from '../../../electron/core/reading/reading.service';

it('reads resources/demo-slides with the default model: every field, its case, provider and 8 probabilities', async () => {
  const db = openDatabase(':memory:');
  const service = createReadingService({ db, modelDir: defaultModelDir(), providers: ['cpu'], log: () => undefined });
  try {
    const demo = join(projectRoot(), 'resources/demo-slides');
    const expected = (await readFile(join(demo, 'labels.csv'), 'utf8')).trim().split('\n').slice(1).length;
    const summary = await service.read([demo]);
    expect(summary.items.length).toBe(expected);
    expect(summary.failed).toBe(0);
    for (const item of summary.items) {
      expect(item).toMatchObject({ status: 'done', provider: 'cpu' });
      expect(item.probabilities).toHaveLength(8);
      expect(item.accessionId).toMatch(/^A\d{4}-\d{4}$/);
    }
    expect(service.model?.manifest).toMatchObject({ id: 'ana-default', kind: 'network' });
    // The default was trained with JPEG-like augmentation and a JPEG does not cost its reading
    // (docs/field-quality.md, "Which acquisition statistics are judged"): its reference does not
    // judge blockiness, so the day's JPEG fields are as familiar as its PNGs — none is flagged.
    expect(summary.items.some((item) => item.path.endsWith('.jpg'))).toBe(true);
    for (const item of summary.items) expect(item.familiarity).toMatchObject({ unfamiliar: false });
  } finally {
    await service.close();
    db.close();
  }
});
