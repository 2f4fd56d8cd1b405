import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { parseProviderPreference } from '../../core/inference/providers';
import { runReadBench } from '../bench/read-bench';
import { UsageError, type Command } from '../command';
import { BENCH_SHIFT_USAGE, runBenchShift } from './bench-shift';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure reading throughput (ana bench read) or accuracy on unseen lab styles (ana bench shift)',
  usage: `ana bench read [--count N] [--json FILE] [--model DIR] [--provider auto|cpu|...] [--size WxH] [--pool K] [--work DIR] [--in-process]\n       ${BENCH_SHIFT_USAGE}`,
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
      },
    });
    if (positionals[0] !== 'read' || positionals.length > 1) throw new UsageError("the benchmark to run is 'read' or 'shift'");
    const count = Number(values.count);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a whole number >= 1, got '${values.count}'`);
    const size = /^(\d+)x(\d+)$/.exec(values.size);
    if (!size) throw new UsageError(`--size must look like 2048x1536, got '${values.size}'`);
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
      log: (m) => console.error(m),
      onProgress: (done, total) => {
        if (tty) process.stderr.write(`\r\x1b[2Kpipeline ${done}/${total}`);
        else if (done % 100 === 0 || done === total) console.error(`pipeline ${done}/${total}`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    const lines = [
      `fields             ${result.fields} × ${result.fieldSizePx} px, ${result.patchesPerSlide} patches each, model ${result.model}, provider ${result.provider}, ${result.cpus} CPUs`,
      `pipeline           ${result.slidesPerSecond} slides/s, ${result.patchesPerSecond} patches/s (${result.wallSeconds} s)`,
      `stages (ms/slide)  ${Object.entries(result.stageMs).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `isolated           cpu half ${result.cpuHalfAloneMs} ms (decode ${result.decodeAloneMs}, tile ${result.tileAloneMs}), inference ${result.inferAloneMs} ms`,
      `bound              1/max(t_cpu, t_infer) = ${result.bottleneckBoundSlidesPerSecond} slides/s → ratio ${result.ratioToBound}`,
      `memory             peak RSS ${result.peakRssMb} MB (start ${result.rssStartMb} MB, after 10 % ${result.rssAtTenthMb} MB, end ${result.rssEndMb} MB)`,
    ];
    console.log(lines.join('\n'));
    if (values.json) await writeFile(resolve(values.json), JSON.stringify(result, null, 2) + '\n');
    return 0;
  },
};
