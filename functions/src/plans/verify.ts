/**
 * Verifying a plan's draw (GET /plans/{id}/verify, `gridpatrol plans verify ID`): read the snapshot
 * stored with the plan and re-run it with core's verifyDraw (docs/decisions/0046). SHA-256 is the hash
 * of drafts and verifications alike, here in one place.
 */
import { createHash } from 'node:crypto';
import { type DrawVerification, type PlanRecord, verifiableDraw, verifyDraw } from '@gridpatrol/core';
import { planCells, planDrawLines, planLastWeek, planPeople } from '@gridpatrol/store';
import { VERSION } from '../version';

/** SHA-256 of a text, as lowercase hex: the hash of every draw record. */
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Re-runs a stored plan's draw from its snapshot and seed and says whether it is identical; a plan
 * drafted before draws were recorded is a 409 not_verifiable, before anything is read.
 *
 * @example (await verifyPlan(plan)).identical // true
 */
export async function verifyPlan(plan: PlanRecord): Promise<DrawVerification> {
  verifiableDraw(plan);
  const [cells, people, lastWeek, lines] = await Promise.all([
    planCells(plan.id),
    planPeople(plan.id),
    planLastWeek(plan.id),
    planDrawLines(plan.id),
  ]);
  return verifyDraw(plan, { cells: cells.map((c) => c.cell), people, lastWeek, lines }, sha256, VERSION);
}
