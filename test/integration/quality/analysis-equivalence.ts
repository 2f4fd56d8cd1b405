/**
 * Writes test/fixtures/analysis-reference.json: the analysis's outputs on the cases of
 * test/fixtures/analysis-cases.ts, as the code measures them now. Run it on the code before a
 * change to the analysis's implementation, then analysis-equivalence.test.ts checks the change.
 *   npx tsx test/integration/quality/analysis-equivalence.ts --write
 */
import { writeFile } from 'node:fs/promises';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { analysisCases, summariseAnalysis } from '../../fixtures/analysis-cases';

const out: Record<string, unknown> = {};
for (const c of analysisCases()) out[c.name] = summariseAnalysis(analyseField(c.fitc, c.widthPx, c.heightPx, c.pixelSizeUm));
const json = JSON.stringify(out, null, 1) + '\n';
if (process.argv.includes('--write')) await writeFile(new URL('../../fixtures/analysis-reference.json', import.meta.url), json);
else process.stdout.write(json);
