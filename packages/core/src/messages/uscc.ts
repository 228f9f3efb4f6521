/**
 * What is wrong with a unified social credit code (findings/uscc.ts `UsccFault`), in both languages.
 * Its own module because the field app words the same faults on the device (packages/web) without
 * carrying the API's whole catalogue; both catalogues spread these in.
 */
export const usccEn = {
  'uscc.length': 'must be 18 characters, got {length}',
  'uscc.character':
    "character {position} '{character}' is not allowed (digits and capitals except I, O, Z, S, V)",
  'uscc.division': 'characters 3-8 must be digits (the administrative division code)',
  'uscc.organisationCheck':
    'organisation code check character is {actual}, expected {expected} (position 17)',
  'uscc.check': 'check character is {actual}, expected {expected} (position 18)',
} as const;

export const usccZhCN: Record<keyof typeof usccEn, string> = {
  'uscc.length': '应为 18 位，实际 {length} 位',
  'uscc.character': '第 {position} 位「{character}」不允许（只能是数字和除 I、O、Z、S、V 以外的大写字母）',
  'uscc.division': '第 3–8 位应为数字（行政区划码）',
  'uscc.organisationCheck': '组织机构代码校验位为 {actual}，应为 {expected}（第 17 位）',
  'uscc.check': '校验位为 {actual}，应为 {expected}（第 18 位）',
};
