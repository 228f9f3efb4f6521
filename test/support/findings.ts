import { mulberry32 } from '@gridpatrol/local/seeded-random';

/**
 * A well-formed report body at a point, as a grid worker's app sends it (the findings tests and
 * the findings bench post the same shape).
 */
export const reportBody = (point: { lon: number; lat: number }, name = '张三小吃店') => ({
  lon: point.lon,
  lat: point.lat,
  accuracyM: 8,
  address: '示范路 1 号',
  businessName: name,
  businessType: 'restaurant',
  kind: 'unlicensed',
  photos: [],
});

/** A seeded generator (mulberry32) and a pick over it, so that a failing random workload replays. */
export function seeded(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  return { rand, pick };
}

/**
 * A well-formed body for `action` on a finding at version `version`, with random choices: deadlines
 * 1–`maxDays` days after `at`, a transfer with a feedback deadline at the chance given.
 */
export function randomActionBody(
  action: string,
  version: number,
  opts: {
    readonly at: number;
    readonly maxDays: number;
    readonly transferDeadlineChance: number;
    readonly departments: readonly { readonly id: string }[];
    readonly random: ReturnType<typeof seeded>;
  },
): Record<string, unknown> {
  const { rand, pick } = opts.random;
  const base = { action, expectedVersion: version };
  const deadline = new Date(opts.at + (1 + Math.floor(rand() * opts.maxDays)) * 86_400_000).toISOString();
  switch (action) {
    case 'reject':
      return { ...base, reason: pick(['not_found', 'already_licensed'] as const) };
    case 'order_rectification':
    case 'reopen':
      return { ...base, deadline };
    case 'extend_deadline':
      return { ...base, deadline, note: '店主已提交材料，延期办理' };
    case 'transfer':
      return {
        ...base,
        department: pick(opts.departments).id,
        receiptNo: `WJ-${Math.floor(rand() * 10_000)}`,
        ...(rand() < opts.transferDeadlineChance ? { deadline } : {}),
      };
    case 'resolve': {
      const outcome = pick(['licensed', 'ceased', 'moved_away'] as const);
      return outcome === 'licensed' ? { ...base, outcome, uscc: '91330100716105852F' } : { ...base, outcome };
    }
    default:
      return base;
  }
}
