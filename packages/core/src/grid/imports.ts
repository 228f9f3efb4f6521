/**
 * The life of an API grid import, as rules (docs/decisions/0021-async-grid-imports.md): a version
 * is 'writing' while its job runs, 'draft' when complete, 'failed' when it was refused, threw, or
 * stopped sending its heartbeat. Pure: the store and the handlers apply these.
 */
import { ConflictError, detail, UnprocessableError } from '../errors';
import { type Message, message } from '../messages';
import type { ActivationOverride } from './diff';

/** What these rules need of a version. */
export interface VersionState {
  readonly version: number;
  readonly status: 'writing' | 'draft' | 'active' | 'superseded' | 'failed';
  readonly heartbeatAt?: string;
  readonly createdAt: string;
  readonly failure?: { readonly code: string; readonly message: string; readonly text?: Message };
}

/** Where a client polls an import it started. */
export const gridImportLocation = (version: number): string => `/grid/imports/${version}`;

/**
 * Refuses to activate a version that is not complete: one still being written is a 409 (poll it
 * until it is a draft), a failed one a 422 naming why it failed.
 *
 * @example assertActivatable({ version: 4, status: 'failed', failure: { code: 'stalled', message: '…' }, … }) // throws 422
 */
export function assertActivatable(v: VersionState): void {
  const path = detail(
    'params.version',
    message('grid.versionIs', { version: v.version, status: message(`grid.status.${v.status}`) }),
  );
  if (v.status === 'writing')
    throw new ConflictError(
      message('grid.stillImporting', { version: v.version, location: gridImportLocation(v.version) }),
      [path],
    );
  if (v.status === 'failed')
    throw new UnprocessableError(
      message('grid.failedImport', {
        version: v.version,
        reason: v.failure?.text ?? v.failure?.message ?? message('grid.noReason'),
      }),
      [path],
    );
}

/**
 * True when a 'writing' version's import has shown no sign of life for `stallMinutes`: its job died
 * (timeout, crash) or never started. Measured from the last heartbeat, else from its creation.
 *
 * @example isStalled({ status: 'writing', heartbeatAt: '2026-12-07T06:00:00Z', … }, new Date('2026-12-07T06:20:00Z'), 10) // true
 */
export function isStalled(v: VersionState, now: Date, stallMinutes: number): boolean {
  if (v.status !== 'writing') return false;
  const last = Date.parse(v.heartbeatAt ?? v.createdAt);
  return now.getTime() - last > stallMinutes * 60_000;
}

/** A version as stored (store's GridVersionMeta): the fields a person reads, among storage details. */
export interface StoredGridVersion extends VersionState {
  readonly createdBy: string;
  readonly counts?: { readonly cells: number; readonly zones: number; readonly warnings: number };
  readonly input?: {
    readonly key?: string;
    readonly bytes?: number;
    readonly strict?: boolean;
    readonly coordSys?: string;
  };
  readonly jobStartedAt?: string;
  readonly failure?: {
    readonly code: string;
    readonly message: string;
    readonly at: string;
    readonly text?: Message;
  };
  readonly cleanedAt?: string;
  readonly activatedAt?: string;
  readonly activatedBy?: string;
  readonly activationOverride?: ActivationOverride;
}

/**
 * A version as the API shows it: who started it and when, its size, what was asked, its status and
 * progress, how it ended. Fields are copied by name, so nothing stored beside them (the body's
 * object key, artifact and report chunk counts) reaches a client, now or when a field is added.
 *
 * @example gridVersionView(meta) // { version: 4, status: 'draft', createdBy: 'admin', input: { bytes: 81234 }, counts: {…}, … }
 */
export function gridVersionView(v: StoredGridVersion) {
  const input = v.input && {
    ...(v.input.bytes !== undefined ? { bytes: v.input.bytes } : {}),
    ...(v.input.strict !== undefined ? { strict: v.input.strict } : {}),
    ...(v.input.coordSys !== undefined ? { coordSys: v.input.coordSys } : {}),
  };
  return {
    version: v.version,
    status: v.status,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    ...(input && Object.keys(input).length > 0 ? { input } : {}),
    ...(v.counts ? { counts: v.counts } : {}),
    ...(v.jobStartedAt ? { jobStartedAt: v.jobStartedAt } : {}),
    ...(v.heartbeatAt ? { heartbeatAt: v.heartbeatAt } : {}),
    // The failure's words as stored (English); the API words them for its reader (`text`).
    ...(v.failure ? { failure: { code: v.failure.code, message: v.failure.message, at: v.failure.at } } : {}),
    ...(v.cleanedAt ? { cleanedAt: v.cleanedAt } : {}),
    ...(v.activatedAt ? { activatedAt: v.activatedAt } : {}),
    ...(v.activatedBy ? { activatedBy: v.activatedBy } : {}),
    ...(v.activationOverride
      ? { activationOverride: { ...v.activationOverride, blockers: [...v.activationOverride.blockers] } }
      : {}),
  };
}
