/**
 * Generator speed: fields per second for generation alone and for generation + PNG encoding +
 * writing, at the sizes the trainer and the reading benchmark use. Run pinned to one core:
 *   taskset -c 0 npx tsx electron/cli/bench/synth-bench.ts [fieldsPerSize]
 * Reports wall-clock and CPU figures (on a shared machine, CPU time is the steadier one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateField, writeDataset } from '../../core/synth';

const n = Number(process.argv[2] ?? 8);
for (const [width, height] of [[1024, 768], [2048, 1536]] as const) {
  let cpu = process.cpuUsage();
  let wall = performance.now();
  for (let seed = 0; seed < n; seed++) generateField({ widthPx: width, heightPx: height }, seed);
  const genWall = (performance.now() - wall) / 1000;
  const genCpu = sumCpu(process.cpuUsage(cpu));
  const dir = await mkdtemp(join(tmpdir(), 'ana-synth-bench-'));
  cpu = process.cpuUsage();
  wall = performance.now();
  await writeDataset({ outDir: dir, count: n, seed: 1, sizePx: { width, height }, format: 'png-rgb8' });
  const writeWall = (performance.now() - wall) / 1000;
  const writeCpu = sumCpu(process.cpuUsage(cpu));
  await rm(dir, { recursive: true, force: true });
  console.log(
    `${width}x${height}: generate ${(n / genWall).toFixed(2)} fields/s wall (${(n / genCpu).toFixed(2)} per CPU-s); ` +
      `generate+PNG+write ${(n / writeWall).toFixed(2)} fields/s wall (${(n / writeCpu).toFixed(2)} per CPU-s)`,
  );
}

function sumCpu(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
