import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { loadModelPackage } from '../../core/models/model-package';
import { ESTIMATE_RULES, estimatePixelSizeFromFiles, farFromSuggestion, spreadSample } from '../../core/quality/pixel-size-estimate';
import { listSlideFiles } from '../../core/reading/batch-reader';
import { loadMicroscopeProfile } from '../../core/slides/microscope-profile';
import { UsageError, type Command } from '../command';

/** What pixel size the cells of a microscope's fields suggest (docs/field-quality.md, "Pixel size from the cells"). */
export const estimatePixelSizeCommand: Command = {
  name: 'estimate-pixel-size',
  summary: "Suggest the microscope's pixel size from the cells of its fields (a check of the profile, not a setting)",
  usage: `ana estimate-pixel-size DIR_OR_FILES... [--model DIR] [--profile FILE] [--max-fields N (default ${ESTIMATE_RULES.defaultFields}, spread over the files)]`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { model: { type: 'string' }, profile: { type: 'string' }, 'max-fields': { type: 'string' } },
    });
    if (positionals.length === 0) throw new UsageError('give the field files, or a folder of them, from one microscope');
    const maxFields = values['max-fields'] === undefined ? ESTIMATE_RULES.defaultFields : Number(values['max-fields']);
    if (!Number.isInteger(maxFields) || maxFields < 1) throw new UsageError(`--max-fields must be a positive whole number, not '${values['max-fields']}'`);
    const files = await listSlideFiles(positionals);
    if (files.length === 0) throw new UsageError(`no slide files under ${positionals.join(', ')}`);
    const pkg = await loadModelPackage(values.model ? resolve(values.model) : defaultModelDir());
    const profile = values.profile ? await loadMicroscopeProfile(resolve(values.profile)) : null;
    const picked = spreadSample(files, maxFields);

    const { estimate: e, leftOut, statedUm } = await estimatePixelSizeFromFiles(picked, pkg, profile, (pass, done, count) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2Kpass ${pass}: ${done}/${count} field(s) analysed`);
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    for (const l of leftOut) console.error(`left out: ${l.path}: ${l.reason}`);
    const um = (x: number): string => x.toFixed(3);
    console.log(
      `The cells of ${e.fields} field(s) (of ${files.length}) suggest ${um(e.pixelSizeUm)} µm/px ` +
        `(single fields ${um(e.lowUm)}–${um(e.highUm)}; ${e.passes} pass(es) from ${um(e.startUm)}).`,
    );
    if (statedUm.length) {
      const sorted = [...statedUm].sort((a, b) => a - b);
      console.log(`The files state ${um(sorted[sorted.length >> 1]!)} µm/px (median of ${statedUm.length}); a reading uses that size for them.`);
    }
    if (profile && farFromSuggestion(profile.pixelSizeUm, e.pixelSizeUm)) {
      console.log(`That is ${(e.pixelSizeUm / profile.pixelSizeUm).toFixed(2)}× the profile's ${um(profile.pixelSizeUm)} µm/px: check the profile against the camera and objective.`);
    }
    console.log("A check, not a setting: real cells may be larger or smaller than the model's training cells. Confirm it from the camera's pixel pitch ÷ magnification before saving it in the profile.");
    return 0;
  },
};
