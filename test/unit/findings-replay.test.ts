/**
 * Replaying a finding's events (core findings/replay): on random runs of the lifecycle (every
 * routing, every action the admin may take, the overdue and revisit rules with the clock moving),
 * folding the events from the report gives exactly the finding the lifecycle produced, at every
 * version. A trail with a gap, a duplicate, a step from the wrong state or no report is refused.
 */

import { UnprocessableError } from '@gridpatrol/core/errors';
import { applyAction, createFinding } from '@gridpatrol/core/findings/lifecycle';
import { evolveFinding, replayFinding } from '@gridpatrol/core/findings/replay';
import type { Finding, FindingEvent } from '@gridpatrol/core/findings/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admin,
  config,
  DAY,
  ROUTINGS,
  type RunStep,
  report,
  runStep,
  scopeFor,
  T0,
} from './findings-fixtures';

const step: fc.Arbitrary<RunStep> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      choice: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(3) }),
      days: fc.integer({ min: 1, max: 45 }),
      outcome: fc.constantFrom(0 as const, 1 as const, 2 as const),
      reason: fc.constantFrom(0 as const, 1 as const, 2 as const),
      department: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('overdue' as const, 'revisit' as const) }) },
);

/** A reported finding and its report event, with or without the optional fields and a duplicate flag. */
function reported(routing: number, flagged: boolean, extras: boolean) {
  return createFinding({
    id: 'F-replay',
    input: extras
      ? { ...report, accuracyM: 12, note: '门口有招牌', taskId: 'P-abc123.2025-03-01.am.C1' }
      : report,
    routing: ROUTINGS[routing] as (typeof ROUTINGS)[number],
    reporter: admin,
    scope: scopeFor(admin),
    now: T0,
    config,
    ...(flagged ? { possibleDuplicateOf: 'F-other' } : {}),
  });
}

describe('replayFinding', () => {
  it('rebuilds the lifecycle’s finding at every version of random runs', () => {
    fc.assert(
      fc.property(
        fc.nat(3),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.record({ step, hours: fc.integer({ min: 1, max: 24 * 20 }) }), { maxLength: 30 }),
        (routing, flagged, extras, steps) => {
          const first = reported(routing, flagged, extras);
          let finding: Finding = first.finding;
          const events: FindingEvent[] = [first.event];
          expect(replayFinding(events)).toEqual(finding);
          let now = T0;
          for (const { step: s, hours } of steps) {
            now = new Date(now.getTime() + hours * 3_600_000);
            const change = runStep(finding, s, now);
            if (change === null) continue;
            finding = change.finding;
            events.push(change.event);
            expect(replayFinding(events)).toEqual(finding);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a trail with a gap, a duplicate, a wrong start, another finding’s event or none', () => {
    const { finding, event: first } = reported(0, false, false);
    const verify = applyAction(
      finding,
      { action: 'verify', expectedVersion: 1 },
      admin,
      scopeFor(admin),
      new Date(T0.getTime() + DAY),
      config,
    );
    const refusal = (events: FindingEvent[]) => {
      try {
        replayFinding(events);
      } catch (e) {
        expect(e).toBeInstanceOf(UnprocessableError);
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal([])).toMatch(/at least its report/);
    expect(refusal([verify.event])).toMatch(/first event must be the report/);
    expect(refusal([first, verify.event, verify.event])).toMatch(/gap or a duplicate/);
    expect(refusal([first, { ...verify.event, version: 3 }])).toMatch(/gap or a duplicate/);
    expect(refusal([first, { ...verify.event, findingId: 'F-else' }])).toMatch(/belongs to finding 'F-else'/);
    expect(refusal([first, { ...verify.event, from: 'verified' }])).toMatch(/starts from verified/);
    // A report event written before it kept the reported fields cannot be replayed, and says so.
    const old = { ...first, data: { cellId: 'C1', zoneId: 'Z1', gridVersion: 3 } };
    expect(refusal([old])).toMatch(/does not keep the reported fields/);
    expect(evolveFinding(null, first)).toEqual(finding);
  });
});
