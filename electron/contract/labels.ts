/**
 * The product's pattern vocabulary: the one place label keys, display names and ICAP codes live.
 * A lab extends it here; model packages carry their own label list in their manifest and are
 * checked against this table when loaded. An empty label set means negative (AC-0).
 */
export type PatternGroup = 'nuclear' | 'cytoplasmic' | 'mitotic';

export interface PatternLabel {
  key: string;
  displayName: string;
  icapCodes: string[];
  group: PatternGroup;
}

export const PATTERN_LABELS: readonly PatternLabel[] = [
  { key: 'homogeneous', displayName: 'Homogeneous', icapCodes: ['AC-1'], group: 'nuclear' },
  { key: 'speckled', displayName: 'Speckled', icapCodes: ['AC-2', 'AC-4', 'AC-5'], group: 'nuclear' },
  { key: 'centromere', displayName: 'Centromere', icapCodes: ['AC-3'], group: 'nuclear' },
  { key: 'nuclear_dots', displayName: 'Nuclear dots', icapCodes: ['AC-6', 'AC-7'], group: 'nuclear' },
  { key: 'nucleolar', displayName: 'Nucleolar', icapCodes: ['AC-8', 'AC-9', 'AC-10'], group: 'nuclear' },
  { key: 'nuclear_envelope', displayName: 'Nuclear envelope', icapCodes: ['AC-11', 'AC-12'], group: 'nuclear' },
  { key: 'mitochondrial', displayName: 'Mitochondrial (AMA)', icapCodes: ['AC-21'], group: 'cytoplasmic' },
  { key: 'golgi', displayName: 'Golgi', icapCodes: ['AC-22'], group: 'cytoplasmic' },
];

export const NEGATIVE_ICAP_CODE = 'AC-0';

export const LABEL_KEYS: readonly string[] = PATTERN_LABELS.map((l) => l.key);

export function findLabel(key: string): PatternLabel | undefined {
  return PATTERN_LABELS.find((l) => l.key === key);
}
