/**
 * What a whole-network package's reading graph costs per patch in its two forms, on the same
 * patches in one run: 'reading' (group normalisation as ONNX Runtime's InstanceNormalization, what
 * packages ship) against 'training' (the training graph's element-wise forward). Both are built
 * from the package's weights; one thread, one patch per call, as the reader runs on a 2-core PC.
 * The two alternate in rounds, so machine load moves both alike; prints ms per patch, wall and CPU.
 *   bash tools/run npx tsx test/bench/reading-graph-bench.ts [MODEL_DIR=native-models/ana-default] [PATCHES=60] [ROUNDS=6]
 */
import { loadavg } from 'node:os';
import { createGraphSession, type GraphSession } from '../../electron/core/inference/engine';
import { buildInferenceGraph } from '../../electron/core/training/network/graphs';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { Random } from '../../electron/core/random';

const [dir = 'native-models/ana-default', patchesArg = '60', roundsArg = '6'] = process.argv.slice(2);
const { net, params, manifest } = await loadNetworkPackage(dir);
const dims = [1, ...net.spec.inputShape];
const length = dims.reduce((a, b) => a * b, 1);
const rng = new Random(1);
const patches = Array.from({ length: Number(patchesArg) }, () => Float32Array.from({ length }, () => rng.normal(0, 1)));
const forms = ['reading', 'training'] as const;
const sessions = new Map<string, GraphSession>();
for (const form of forms) sessions.set(form, await createGraphSession(buildInferenceGraph(net, params, { form }).bytes, { providers: ['cpu'], intraOpNumThreads: 1, label: form }));

async function round(session: GraphSession): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const data of patches) await session.run({ patches: { data, dims } }, ['probabilities']);
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / patches.length, cpu: (cpu.user + cpu.system) / 1000 / patches.length };
}

for (const form of forms) await round(sessions.get(form)!); // warm-up
const totals = new Map(forms.map((f) => [f, { wall: 0, cpu: 0 }]));
for (let r = 0; r < Number(roundsArg); r++) {
  for (const form of r % 2 ? [...forms].reverse() : forms) {
    const t = await round(sessions.get(form)!);
    totals.get(form)!.wall += t.wall / Number(roundsArg);
    totals.get(form)!.cpu += t.cpu / Number(roundsArg);
  }
}
console.log(`${manifest.id} ${manifest.version}, input ${dims.slice(1).join('×')}, ${patches.length} patches × ${roundsArg} rounds, load ${loadavg()[0]!.toFixed(2)}`);
for (const form of forms) console.log(`  ${form.padEnd(8)} ${totals.get(form)!.wall.toFixed(3)} ms/patch wall, ${totals.get(form)!.cpu.toFixed(3)} ms CPU`);
console.log(`  reading / training: ${(totals.get('reading')!.cpu / totals.get('training')!.cpu).toFixed(2)}× the CPU time`);
for (const s of sessions.values()) await s.close();
