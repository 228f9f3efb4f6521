/**
 * Acting on a finding (verify, reject, order rectification, transfer, resolve, revisit, …): core's
 * lifecycle decides the step, the store writes it in one version-checked transaction, and a retried
 * step is answered instead of refused as stale (docs/decisions/0030-finding-replay.md).
 */
import { type Action, applyAction, assertRequiredPhotos, ConflictError, type Person } from '@gridpatrol/core';
import { applyActionTx, getFinding, getFindingEvent, requestHash } from '@gridpatrol/store';
import { photoReferences } from '../attachments/reference';
import { actorOf } from '../caller';
import { now } from '../clock';
import type { Written } from '../idempotency';
import { findingOutbox } from '../notifications/outbox';
import { cityConfig } from '../runtime';
import { activeScope } from '../scope';
import { type FindingView, findingView, readableFinding } from './view';

/**
 * POST /findings/{id}/actions: the finding after the step, or as it is now when this very step
 * was already taken by this caller with this body.
 *
 * @example const { body } = await actOnFinding(caller, 'F-1', { action: 'verify', expectedVersion: 1 })
 */
export async function actOnFinding(caller: Person, id: string, body: Action): Promise<Written<FindingView>> {
  const { scope, topology } = await activeScope(caller);
  const hash = requestHash(body);
  const before = await readableFinding(id, scope);
  // The step from `expectedVersion` names one action: if this very action (same person, same
  // body) already took it, this is a retry whose answer was lost (or a twin that lost the race),
  // not a stale client. It is answered with the finding as it is now.
  const replay = async (): Promise<Written<FindingView> | undefined> => {
    const taken = await getFindingEvent(before.id, body.expectedVersion + 1);
    if (taken?.actorId !== caller.id || taken.requestHash !== hash) return undefined;
    const current = (await getFinding(before.id)) ?? before;
    return { body: findingView(current, caller, scope), replayed: true };
  };
  if (body.expectedVersion < before.version) {
    const replayed = await replay();
    if (replayed) return replayed;
  }
  const config = cityConfig();
  const step = applyAction(before, body, actorOf(caller), scope, now(), config);
  assertRequiredPhotos(body.action, body.photos?.length ?? 0, config.photos.requiredFor);
  const photos = await photoReferences(
    caller,
    body.photos ?? [],
    { kind: 'finding', id: before.id },
    { kind: 'finding', id: before.id, action: body.action },
    step.event.at,
  );
  try {
    const event = { ...step.event, requestHash: hash };
    await applyActionTx(before, step.finding, event, {
      extra: photos,
      notifications: await findingOutbox(step.finding, event, topology),
    });
  } catch (err) {
    const replayed = err instanceof ConflictError ? await replay() : undefined;
    if (replayed) return replayed;
    throw err;
  }
  return { body: findingView(step.finding, caller, scope), replayed: false };
}
