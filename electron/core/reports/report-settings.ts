/**
 * The lab's report settings: header, time zone, and the wording of positive/negative results.
 * Whether cytoplasmic and mitotic patterns make a sample "ANA positive" is a per-lab choice
 * (ICAP leaves it open), so both the rule and its wording are configuration, not code.
 */
import type { PatternGroup } from '../../contract/labels';
import type { PatternResult } from './report-model';

export interface ReportSettings {
  lab: {
    name: string;
    /** Free lines under the name: address, phone, accreditation. */
    headerLines: string[];
    /** Sending facility id for HL7 MSH-4 / OBR. */
    facilityId: string;
  };
  /** IANA zone used to print dates and to decide which day a signature belongs to. */
  timeZone: string;
  /** The lab's screening dilution printed on every report, e.g. '1:80'; null to omit. */
  screeningDilution: string | null;
  wording: {
    /** Overall result when at least one pattern counts as ANA positive. */
    positive: string;
    /** Overall result for AC-0. */
    negative: string;
    /** Overall result when only non-counting (cytoplasmic/mitotic) patterns are present. */
    nonNuclearOnly: string;
    /** Does a cytoplasmic/mitotic pattern count as ANA positive in this lab? */
    cytoplasmicCountsAsPositive: boolean;
    mitoticCountsAsPositive: boolean;
    /** Wording per pattern row, by group, when the pattern counts / does not count. */
    patternCounted: string;
    patternNotCounted: Record<Exclude<PatternGroup, 'nuclear'>, string>;
  };
  hl7: {
    sendingApplication: string;
    receivingApplication: string;
    receivingFacility: string;
    /** Local observation identifier for the ANA pattern (OBX-3). */
    observationCode: string;
    observationText: string;
    /** Coding system of OBX-3 (L = local). */
    observationCodingSystem: string;
  };
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  lab: { name: 'Clinical Immunology Laboratory', headerLines: [], facilityId: 'LAB' },
  timeZone: 'UTC',
  screeningDilution: null,
  wording: {
    positive: 'ANA positive',
    negative: 'ANA negative (AC-0)',
    nonNuclearOnly: 'ANA negative (no nuclear pattern); non-nuclear staining reported below',
    cytoplasmicCountsAsPositive: false,
    mitoticCountsAsPositive: false,
    patternCounted: 'Positive',
    patternNotCounted: {
      cytoplasmic: 'Cytoplasmic staining (not counted as ANA)',
      mitotic: 'Mitotic staining (not counted as ANA)',
    },
  },
  hl7: {
    sendingApplication: 'ANA-WORKSTATION',
    receivingApplication: 'LIS',
    receivingFacility: 'LAB',
    observationCode: 'ANA-HEP2-PATTERN',
    observationText: 'ANA HEp-2 IIF pattern',
    observationCodingSystem: 'L',
  },
};

/** Deep-merges a partial settings object (as stored by the lab) over the defaults. */
export function resolveReportSettings(partial: DeepPartial<ReportSettings> = {}): ReportSettings {
  const d = DEFAULT_REPORT_SETTINGS;
  return {
    lab: { ...d.lab, ...partial.lab, headerLines: [...(partial.lab?.headerLines ?? d.lab.headerLines)].filter((l): l is string => typeof l === 'string') },
    timeZone: partial.timeZone ?? d.timeZone,
    screeningDilution: partial.screeningDilution === undefined ? d.screeningDilution : partial.screeningDilution,
    wording: {
      ...d.wording,
      ...partial.wording,
      patternNotCounted: { ...d.wording.patternNotCounted, ...partial.wording?.patternNotCounted },
    },
    hl7: { ...d.hl7, ...partial.hl7 },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function countsAsPositive(group: PatternGroup, settings: ReportSettings): boolean {
  if (group === 'nuclear') return true;
  return group === 'cytoplasmic' ? settings.wording.cytoplasmicCountsAsPositive : settings.wording.mitoticCountsAsPositive;
}

/** The wording shown beside one pattern row. */
export function patternWording(result: PatternResult, settings: ReportSettings): string {
  if (countsAsPositive(result.group, settings)) return settings.wording.patternCounted;
  return settings.wording.patternNotCounted[result.group as Exclude<PatternGroup, 'nuclear'>];
}

/** The overall interpretation line of a report. */
export function overallWording(results: PatternResult[], settings: ReportSettings): string {
  if (results.length === 0) return settings.wording.negative;
  return results.some((r) => countsAsPositive(r.group, settings)) ? settings.wording.positive : settings.wording.nonNuclearOnly;
}

/** 'titer 1:640, intensity strong' — whichever the reader recorded. */
export function strengthText(result: PatternResult): string {
  return [result.titer ? `titer ${result.titer}` : '', result.intensity ? `intensity ${result.intensity}` : ''].filter(Boolean).join(', ');
}
