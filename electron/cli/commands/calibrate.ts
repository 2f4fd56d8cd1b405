import { parseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { listSlideFiles } from '../../core/reading/batch-reader';
import { calibrateScreeningFromFiles, type CalibrationOutcome } from '../../core/quality/calibrate-screening';
import { calibrateOnSignedNegatives } from '../../core/settings/screening-calibration';
import { loadMicroscopeProfile, MicroscopeProfile, saveMicroscopeProfile } from '../../core/slides/microscope-profile';
import { FEW_SCREENING_NEGATIVES } from '../../contract';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

/**
 * Screening calibration on a lab's negative-control fields, or on the fields of its latest cases
 * signed negative in the record, stored in the microscope profile (docs/field-quality.md).
 */
export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: "Calibrate screening on the lab's negative-control fields or its signed negative cases; stores the calibration in the microscope profile",
  usage:
    'ana calibrate --profile FILE (--negatives DIR_OR_FILES... | --signed-negatives [--db FILE]) [--name NAME --pixel-size UM (to create the profile)]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        negatives: { type: 'string', multiple: true },
        'signed-negatives': { type: 'boolean' },
        db: { type: 'string' },
        name: { type: 'string' },
        'pixel-size': { type: 'string' },
      },
    });
    if (!values.profile) throw new UsageError('--profile FILE is required (the microscope profile to store the calibration in)');
    const sources = [...(values.negatives ?? []), ...positionals];
    const signed = values['signed-negatives'] === true;
    if (signed && sources.length > 0) throw new UsageError('--signed-negatives takes the fields of the signed negative cases in the record: give no --negatives or files with it');
    if (!signed && values.db !== undefined) throw new UsageError('--db is for --signed-negatives (the record whose signed negative cases to calibrate on)');
    if (!signed && sources.length === 0) {
      throw new UsageError('--negatives DIR (a folder or files of negative-control fields from this microscope) or --signed-negatives (the record\'s cases signed negative) is required');
    }
    const profilePath = resolve(values.profile);
    const exists = await access(profilePath).then(() => true, () => false);
    let profile: MicroscopeProfile;
    if (exists) profile = await loadMicroscopeProfile(profilePath);
    else {
      const pixelSizeUm = Number(values['pixel-size']);
      if (!values.name || !(pixelSizeUm > 0)) throw new UsageError(`${profilePath} does not exist: give --name and --pixel-size to create it`);
      profile = MicroscopeProfile.parse({ name: values.name, pixelSizeUm });
    }
    const progress = (done: number, total: number) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${done}/${total} negative field(s) analysed`);
    };
    let outcome: CalibrationOutcome;
    if (signed) {
      const db = openExistingDatabase(databasePath(values.db), { readonly: true });
      try {
        outcome = await calibrateOnSignedNegatives(db, profile, Date.now(), progress);
      } finally {
        db.close();
      }
    } else {
      const files = await listSlideFiles(sources);
      if (files.length === 0) throw new UsageError(`no slide files under ${sources.join(', ')}`);
      outcome = await calibrateScreeningFromFiles(files, profile, Date.now(), progress);
    }
    const { calibration, rejected } = outcome;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    await saveMicroscopeProfile(profilePath, { ...profile, screening: calibration });
    for (const r of rejected) console.error(`left out: ${r.path}: ${r.reason}`);
    const fitted = signed
      ? `${calibration.negatives} field(s) of ${calibration.cases} signed negative case(s)`
      : `${calibration.negatives} negative-control field(s)`;
    console.log(
      `Screening calibrated for '${profile.name}' on ${fitted}` +
        `${rejected.length ? ` (${rejected.length} left out)` : ''}; ${(calibration.negativeAgreement * 100).toFixed(1)} % of them screen negative with it. Stored in ${profilePath}.`,
    );
    if (calibration.negatives < FEW_SCREENING_NEGATIVES) {
      console.error(
        signed
          ? `warning: fewer than ${FEW_SCREENING_NEGATIVES} negative fields; the reference is rough. Calibrate again once more cases are signed negative.`
          : `warning: fewer than ${FEW_SCREENING_NEGATIVES} negative controls; the reference is rough. Add more and calibrate again.`,
      );
    }
    return 0;
  },
};
