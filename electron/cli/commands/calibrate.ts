import { parseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { listSlideFiles } from '../../core/reading/batch-reader';
import { calibrateScreeningFromFiles } from '../../core/quality/calibrate-screening';
import { loadMicroscopeProfile, MicroscopeProfile, saveMicroscopeProfile } from '../../core/slides/microscope-profile';
import { UsageError, type Command } from '../command';

/** Screening calibration on a lab's negative-control fields, stored in the microscope profile (docs/field-quality.md). */
export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: "Calibrate screening on the lab's negative-control fields; stores the calibration in the microscope profile",
  usage: 'ana calibrate --profile FILE --negatives DIR_OR_FILES... [--name NAME --pixel-size UM (to create the profile)]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { profile: { type: 'string' }, negatives: { type: 'string', multiple: true }, name: { type: 'string' }, 'pixel-size': { type: 'string' } },
    });
    if (!values.profile) throw new UsageError('--profile FILE is required (the microscope profile to store the calibration in)');
    const sources = [...(values.negatives ?? []), ...positionals];
    if (sources.length === 0) throw new UsageError('--negatives DIR is required: a folder (or files) of negative-control fields from this microscope');
    const profilePath = resolve(values.profile);
    const exists = await access(profilePath).then(() => true, () => false);
    let profile: MicroscopeProfile;
    if (exists) profile = await loadMicroscopeProfile(profilePath);
    else {
      const pixelSizeUm = Number(values['pixel-size']);
      if (!values.name || !(pixelSizeUm > 0)) throw new UsageError(`${profilePath} does not exist: give --name and --pixel-size to create it`);
      profile = MicroscopeProfile.parse({ name: values.name, pixelSizeUm });
    }
    const files = await listSlideFiles(sources);
    if (files.length === 0) throw new UsageError(`no slide files under ${sources.join(', ')}`);
    const { calibration, rejected } = await calibrateScreeningFromFiles(files, profile, Date.now(), (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${done}/${total} negative-control field(s) analysed`);
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    await saveMicroscopeProfile(profilePath, { ...profile, screening: calibration });
    for (const r of rejected) console.error(`left out: ${r.path}: ${r.reason}`);
    console.log(
      `Screening calibrated for '${profile.name}' on ${calibration.negatives} negative-control field(s)` +
        `${rejected.length ? ` (${rejected.length} left out)` : ''}; ${(calibration.negativeAgreement * 100).toFixed(1)} % of them screen negative with it. Stored in ${profilePath}.`,
    );
    if (calibration.negatives < 10) console.error('warning: fewer than 10 negative controls; the reference is rough. Add more and calibrate again.');
    return 0;
  },
};
