/**
 * The city's joint-patrol settings (`patrols` in packages/cities/configs/<name>.json): the planner's weights
 * and caps, the local times of each shift, and how far and how late a check-in is still accepted.
 * Read by the city config, the plans and tasks routes and the jobs.
 */

import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { PlannerConfig } from './schema';

const HourMinute = lazySchema(() => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM'));

/** A shift's local start and end on its date (an end at or before the start ends the next day). */
export const ShiftTimes = lazySchema(() => z.object({ start: HourMinute, end: HourMinute }));
export type ShiftTimes = z.infer<typeof ShiftTimes>;

const DEFAULT_SHIFT_TIMES: Record<string, ShiftTimes> = {
  am: { start: '08:30', end: '12:00' },
  pm: { start: '13:30', end: '17:30' },
};

/** The city's joint-patrol settings: `patrols` in packages/cities/configs/<name>.json. */
export const PatrolConfig = lazySchema(() =>
  z
    .object({
      planner: PlannerConfig,
      /** Local times of every shift the planner uses (keyed by shift name). */
      shiftTimes: z.record(z.string(), ShiftTimes).default(DEFAULT_SHIFT_TIMES),
      /** A check-in this far outside the cell (metres, after GPS accuracy) is still accepted. */
      checkInToleranceM: z.number().min(0).max(5000).default(100),
      /** Minutes before a shift starts and after it ends in which check-in and completion are accepted. */
      graceMinutes: z.number().int().min(0).max(240).default(30),
    })
    .prefault({})
    .superRefine((c, ctx) => {
      for (const shift of c.planner.shifts)
        if (!c.shiftTimes[shift])
          ctx.addIssue({
            code: 'custom',
            path: ['shiftTimes', shift],
            message: `shift '${shift}' of planner.shifts has no start and end`,
          });
    }),
);
export type PatrolConfig = z.infer<typeof PatrolConfig>;
