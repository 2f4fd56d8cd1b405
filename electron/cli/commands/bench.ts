import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { parseProviderPreference } from '../../core/inference/providers';
import { PREVIOUS_READ_SETTINGS, runReadBench, type ReadBenchMeasurement } from '../bench/read-bench';
import type { GraphOptimization } from '../../core/inference/engine';
import { UsageError, type Command } from '../command';
import { wholeOption } from '../options';
import { BENCH_SHIFT_USAGE, runBenchShift } from './bench-shift';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure reading throughput (ana bench read) or accuracy on unseen lab styles (ana bench shift)',
  usage: `ana bench read [--count N] [--json FILE] [--model DIR] [--provider auto|cpu|...] [--size WxH] [--pool K] [--work DIR] [--in-process]\n                      [--batch N] [--threads N] [--graph-optimization basic|extended|all] [--prepare-ahead N] [--field-judge worker|thread] [--baseline MODEL_DIR [--baseline-count N] [--baseline-settings previous|current]]\n       ${BENCH_SHIFT_USAGE}`,
  async run(args) {
    if (args[0] === 'shift') return runBenchShift(args.slice(1));
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        count: { type: 'string', default: '50' },
        json: { type: 'string' },
        model: { type: 'string' },
        provider: { type: 'string' },
        size: { type: 'string', default: '2048x1536' },
        pool: { type: 'string', default: '8' },
        work: { type: 'string' },
        'in-process': { type: 'boolean', default: false },
        batch: { type: 'string' },
        threads: { type: 'string' },
        'graph-optimization': { type: 'string' },
        'prepare-ahead': { type: 'string' },
        'field-judge': { type: 'string' },
        baseline: { type: 'string' },
        'baseline-count': { type: 'string' },
        'baseline-settings': { type: 'string', default: 'previous' },
      },
    });
    if (positionals[0] !== 'read' || positionals.length > 1) throw new UsageError("the benchmark to run is 'read' or 'shift'");
    const count = wholeOption(values.count, '--count');
    const size = /^(\d+)x(\d+)$/.exec(values.size);
    if (!size) throw new UsageError(`--size must look like 2048x1536, got '${values.size}'`);
    const whole = (name: string, value: string | undefined) => (value === undefined ? undefined : wholeOption(value, `--${name}`));
    const level = values['graph-optimization'];
    if (level !== undefined && !['disabled', 'basic', 'extended', 'all'].includes(level)) throw new UsageError(`--graph-optimization must be disabled, basic, extended or all, got '${level}'`);
    if (values['field-judge'] !== undefined && !['worker', 'thread'].includes(values['field-judge'])) throw new UsageError(`--field-judge must be 'worker' or 'thread', got '${values['field-judge']}'`);
    if (!['previous', 'current'].includes(values['baseline-settings'])) throw new UsageError(`--baseline-settings must be 'previous' or 'current', got '${values['baseline-settings']}'`);
    const settings = { batchSize: whole('batch', values.batch), intraOpThreads: whole('threads', values.threads), graphOptimization: level as GraphOptimization | undefined, prepareAhead: whole('prepare-ahead', values['prepare-ahead']), fieldJudge: values['field-judge'] as 'worker' | 'thread' | undefined };
    const tty = process.stderr.isTTY;
    const result = await runReadBench({
      count,
      modelDir: values.model ? resolve(values.model) : defaultModelDir(),
      workDir: resolve(values.work ?? join(tmpdir(), 'ana-bench')),
      widthPx: Number(size[1]),
      heightPx: Number(size[2]),
      poolSize: Number(values.pool),
      providers: parseProviderPreference(values.provider),
      useWorker: !values['in-process'],
      ...settings,
      baseline: values.baseline
        ? { modelDir: resolve(values.baseline), count: whole('baseline-count', values['baseline-count']), ...(values['baseline-settings'] === 'previous' ? PREVIOUS_READ_SETTINGS : settings) }
        : undefined,
      log: (m) => console.error(m),
      onProgress: (done, total) => {
        if (tty) process.stderr.write(`\r\x1b[2Kpipeline ${done}/${total}`);
        else if (done % 100 === 0 || done === total) console.error(`pipeline ${done}/${total}`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    const lines = [`fields             ${result.fieldSizePx} px, ${result.patchesPerSlide} patches each, provider ${result.provider}, ${result.cpus} CPUs`, ...describe(result)];
    if (result.baseline) {
      lines.push(`baseline           (same fields, measured after the model above)`, ...describe(result.baseline));
      lines.push(`compared           inference alone ${result.baseline.inferSpeedup}× faster (CPU time ${result.baseline.inferCpuSpeedup}×), pipeline ${result.baseline.pipelineSpeedup}× the baseline's slides/s`);
    }
    console.log(lines.join('\n'));
    if (values.json) await writeFile(resolve(values.json), JSON.stringify(result, null, 2) + '\n');
    return 0;
  },
};

function describe(m: ReadBenchMeasurement): string[] {
  const { batchSize, intraOpThreads, graphOptimization, prepareAhead, fieldJudge } = m.settings;
  return [
    `model              ${m.model} (${batchSize} patches per call, ${intraOpThreads} thread${intraOpThreads > 1 ? 's' : ''}, optimisation '${graphOptimization}', ${prepareAhead} slide${prepareAhead > 1 ? 's' : ''} prepared ahead, fields judged in ${fieldJudge === 'worker' ? 'a worker' : 'the reading thread'}), ${m.fields} fields`,
    `pipeline           ${m.slidesPerSecond} slides/s, ${m.patchesPerSecond} patches/s (${m.wallSeconds} s); patches per slide scored ${m.patchesScoredPerSlide}, skipped ${m.patchesSkippedPerSlide}`,
    `stages (ms/slide)  ${Object.entries(m.stageMs).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `isolated           cpu half ${m.cpuHalfAloneMs} ms (decode ${m.decodeAloneMs}, tile ${m.tileAloneMs}), inference ${m.inferAloneMs} ms → model/decode ${m.modelToDecodeRatio}`,
    `isolated CPU time  decode ${m.decodeAloneCpuMs} ms, inference ${m.inferAloneCpuMs} ms → model/decode ${m.modelToDecodeCpuRatio}`,
    `bound              1/max(t_cpu, t_infer) = ${m.bottleneckBoundSlidesPerSecond} slides/s → ratio ${m.ratioToBound}`,
    `CPU per slide      reading thread ${m.readingThreadCpuMsPerSlide} ms, whole process ${m.processCpuMsPerSlide} ms → idle-machine estimate ${m.idleBoundSlidesPerSecond} slides/s`,
    `memory             peak RSS ${m.peakRssMb} MB (start ${m.rssStartMb} MB, after 10 % ${m.rssAtTenthMb} MB, end ${m.rssEndMb} MB)`,
    `load average       ${m.loadAverage[0]} before, ${m.loadAverage[1]} after`,
  ];
}
