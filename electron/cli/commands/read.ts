import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../../core/app';
import { appVersion, defaultModelDir } from '../../core/paths';
import { parseProviderPreference } from '../../core/inference/providers';
import { listCases } from '../../core/db/case.repo';
import { UsageError, type Command } from '../command';

export const readCommand: Command = {
  name: 'read',
  summary: 'Read slide image files with the model and store the readings',
  usage: 'ana read <files...> [--db FILE] [--model DIR] [--provider auto|cpu|cuda|dml|coreml]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string', default: 'ana.db' }, model: { type: 'string' }, provider: { type: 'string' } },
    });
    if (positionals.length === 0) throw new UsageError('no files given');
    const app = await createApp({
      dbPath: resolve(values.db),
      modelDir: values.model ? resolve(values.model) : defaultModelDir(),
      version: appVersion(),
      providers: parseProviderPreference(values.provider),
    });
    try {
      await app.readFiles(positionals);
      console.log(`Read ${positionals.length} file(s) into ${values.db}; ${listCases(app.db).length} case(s) in the record.`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
