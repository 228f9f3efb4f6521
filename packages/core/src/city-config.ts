import * as z from 'zod';
import { BadRequestError } from './errors';
import { ACTION_NAMES } from './findings/schema';
import { lazySchema } from './lazy-schema';
import { LANGUAGES } from './messages/language';
import { NotificationsConfig } from './notifications/config';
import { PatrolConfig } from './planning/patrol-config';
import { zodIssuesToDetails } from './validation';

const Slug = lazySchema(() =>
  z.string().regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'lower-case letters, digits and dashes, 3-40 long'),
);
const Named = lazySchema(() =>
  z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), name: z.string().min(1) }),
);

const TimeZone = lazySchema(() =>
  z.string().refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not an IANA time zone (e.g. Asia/Shanghai)' },
  ),
);

/** The steps a city may require a photo for: a report, each finding action, a task's completion. */
export const PHOTO_STEPS = ['report', ...ACTION_NAMES, 'complete'] as const;
export type PhotoStep = (typeof PHOTO_STEPS)[number];

const Lon = lazySchema(() => z.number().min(-180).max(180));
const Lat = lazySchema(() => z.number().min(-90).max(90));

/**
 * One city's deployment settings. `packages/cities/configs/<name>.json` is the single file that both
 * `cdk deploy -c city=NAME` and `npm start -- --city NAME` read.
 */
export const CityConfig = lazySchema(() =>
  z
    .object({
      name: Slug,
      displayName: z.string().min(1),
      timeZone: TimeZone,
      /** The language of messages and exports when a request does not ask for one (issue 16). */
      language: z.enum(LANGUAGES as unknown as ['zh-CN', 'en']).default('zh-CN'),
      /** [west, south, east, north] in WGS-84 degrees. */
      bbox: z.tuple([Lon, Lat, Lon, Lat]),
      offices: z.array(Named).min(1),
      departments: z.array(Named).default([]),
      findingCategories: z.array(Named).min(1),
      /**
       * The field app's base map tiles (docs/decisions/0049): an https URL template with {z}, {x}, {y}
       * (and optionally {s}), its attribution, and the coordinate system it is drawn in: AMap and
       * Tencent draw in GCJ-02 (the app shifts its WGS-84 overlays onto it, and dragged positions
       * back), Tianditu in CGCS2000 (within centimetres of WGS-84: nothing shifted). Absent: the map
       * draws cells on a plain background and nothing is fetched from outside.
       */
      tiles: z
        .object({
          url: z
            .string()
            .regex(
              /^https:\/\/[^/?#{}]*(\{s\}[^/?#{}]*)?\//,
              'an https URL template, e.g. https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}',
            )
            .refine(
              (u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)),
              'must contain {z}, {x} and {y}',
            ),
          attribution: z.string().min(1),
          coordSys: z.enum(['wgs84', 'gcj02', 'cgcs2000']),
          /** The subdomains {s} stands for. @default Leaflet's 'abc' */
          subdomains: z.string().min(1).optional(),
        })
        .optional(),
      cors: z
        .object({ allowOrigins: z.array(z.string().min(1)).default(['http://localhost:5173']) })
        .default({ allowOrigins: ['http://localhost:5173'] }),
      grid: z
        .object({
          /** Cities often code cells as county code + street + community + sequence digits. */
          cellIdPattern: z.string().optional(),
          zoneIdPattern: z.string().optional(),
          maxVerticesPerFeature: z.number().int().positive().default(20_000),
          /** A repair that changes a feature's area by more than this share is an error. */
          maxRepairAreaChange: z.number().positive().max(1).default(0.01),
          /** Zone shares below this part of a cell's area are ignored as slivers. */
          sliverShare: z.number().min(0).max(0.5).default(0.01),
          /** A cell whose primary zone holds less than this share straddles zones. */
          straddleShare: z.number().min(0.5).max(1).default(0.9),
          snapToleranceM: z.number().min(0).max(1000).default(50),
          /** An API import with no heartbeat for this long is marked failed and cleaned up (0021). */
          importStallMinutes: z.number().int().min(1).max(120).default(10),
          /**
           * Activation is refused without `force` when the draft leaves more than this share of the
           * active grid's area uncovered (0022).
           */
          maxDroppedAreaShare: z.number().min(0).max(1).default(0.05),
        })
        .default({
          maxVerticesPerFeature: 20_000,
          maxRepairAreaChange: 0.01,
          sliverShare: 0.01,
          straddleShare: 0.9,
          snapToleranceM: 50,
          importStallMinutes: 10,
          maxDroppedAreaShare: 0.05,
        }),
      findings: z
        .object({
          duplicateDistanceM: z.number().min(0).max(500).default(30),
          revisitDelayDays: z.number().int().min(1).max(365).default(30),
          escalateToAdminAfterDays: z.number().int().min(1).max(365).default(7),
        })
        .default({ duplicateDistanceM: 30, revisitDelayDays: 30, escalateToAdminAfterDays: 7 }),
      /** Joint patrols: planner weights and caps, shift times, check-in tolerance and grace. */
      patrols: PatrolConfig,
      /** Who hears of what, and through which channels (docs/decisions/0052). */
      notifications: NotificationsConfig,
      /**
       * Evidence photos (docs/decisions/0051): how far from the finding's point or the task's cell
       * (metres) and from the step's time (minutes) a photo's EXIF may be before it is flagged, and
       * the steps that need at least one photo (`report`, a finding action, `complete` for a task).
       */
      photos: z
        .object({
          maxDistanceM: z.number().min(0).max(100_000).default(300),
          maxTimeSkewMinutes: z.number().int().min(0).max(10_080).default(120),
          requiredFor: z.array(z.enum(PHOTO_STEPS)).default([]),
        })
        .default({ maxDistanceM: 300, maxTimeSkewMinutes: 120, requiredFor: [] }),
      /**
       * How the city's AWS stack is run (read by infra/ only; the handlers never look at it): who gets
       * the alarms, sign-in threat protection, CloudFront + WAF in front of the API, a backup copy.
       */
      deployment: z
        .object({
          /** E-mail addresses subscribed to the city's alarm topic (each confirms once by mail). */
          alarmEmails: z.array(z.email()).default([]),
          /**
           * Cognito threat protection (compromised credentials, adaptive authentication). 'audit'
           * only records risks; 'enforce' acts on them. Either needs the Plus feature plan (billed).
           */
          threatProtection: z.enum(['off', 'audit', 'enforce']).default('off'),
          /** CloudFront + AWS WAF in front of the API (docs/decisions/0041). */
          edge: z
            .object({
              enabled: z.boolean().default(false),
              /** Requests one IP may make in 5 minutes before WAF blocks it (WAF's minimum is 10). */
              rateLimitPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(1000),
            })
            .default({ enabled: false, rateLimitPer5Minutes: 1000 }),
          /** A second region the AWS Backup copies go to (e.g. 'cn-northwest-1'); none: no copy. */
          backupCopyRegion: z
            .string()
            .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region name, e.g. cn-northwest-1')
            .optional(),
        })
        .default({
          alarmEmails: [],
          threatProtection: 'off',
          edge: { enabled: false, rateLimitPer5Minutes: 1000 },
        }),
    })
    .superRefine((c, ctx) => {
      const [w, s, e, n] = c.bbox;
      if (w >= e || s >= n)
        ctx.addIssue({ code: 'custom', path: ['bbox'], message: 'west must be < east and south < north' });
      for (const key of ['offices', 'departments', 'findingCategories'] as const) {
        const seen = new Set<string>();
        c[key].forEach((item, i) => {
          if (seen.has(item.id))
            ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id '${item.id}'` });
          seen.add(item.id);
        });
      }
      for (const key of ['cellIdPattern', 'zoneIdPattern'] as const) {
        const pattern = c.grid[key];
        if (pattern === undefined) continue;
        try {
          new RegExp(pattern);
        } catch {
          ctx.addIssue({ code: 'custom', path: ['grid', key], message: 'not a valid regular expression' });
        }
      }
    }),
);
export type CityConfig = z.infer<typeof CityConfig>;

/**
 * Validates a parsed city file; the error names the path of every bad field.
 *
 * @example parseCityConfig(JSON.parse(text), 'packages/cities/configs/demo.json')
 */
export function parseCityConfig(input: unknown, source = 'city config'): CityConfig {
  const result = CityConfig.safeParse(input);
  if (result.success) return result.data;
  const details = zodIssuesToDetails(result.error.issues);
  throw new BadRequestError(
    `${source} is invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}
