/**
 * Unlicensed-business findings (无照经营线索, DOMAIN.md): what a reporter sends, what the store
 * keeps, the actions that move a finding along its closed loop, and the events that record them.
 * The lifecycle rules themselves are in ./lifecycle; this file only says what is well-formed.
 */

import * as z from 'zod';
import { PhotoIds } from '../attachments/schema';
import { AreaId } from '../grid/api';
import { lazySchema } from '../lazy-schema';
import { message } from '../messages';
import { PersonId } from '../people';
import { Role } from '../roles';
import { Text } from '../text';
import { schemaText, storableNumber } from '../validation';
import { normaliseUscc, usccProblemText } from './uscc';

export const FINDING_STATUSES = [
  'reported',
  'verified',
  'rejected',
  'rectifying',
  'transferred',
  'resolved',
  'revisit_due',
  'closed',
] as const;
export const FindingStatus = lazySchema(() => z.enum(FINDING_STATUSES));
export type FindingStatus = z.infer<typeof FindingStatus>;

/** States a finding never leaves: it is rejected, or crossed off (销号) after its revisit. */
export const TERMINAL_STATUSES: readonly FindingStatus[] = ['rejected', 'closed'];

/** 无照 (no business licence), 无证 (no permit, e.g. food), 无证无照 (neither). */
export const FINDING_KINDS = ['unlicensed', 'unpermitted', 'both'] as const;
export const FindingKind = lazySchema(() => z.enum(FINDING_KINDS));
export type FindingKind = z.infer<typeof FindingKind>;

export const REJECT_REASONS = ['not_found', 'duplicate', 'already_licensed'] as const;
export const RejectReason = lazySchema(() => z.enum(REJECT_REASONS));
export type RejectReason = z.infer<typeof RejectReason>;

export const OUTCOMES = ['licensed', 'ceased', 'moved_away'] as const;
export const Outcome = lazySchema(() => z.enum(OUTCOMES));
export type Outcome = z.infer<typeof Outcome>;

/** Who has been told of an overdue case: nobody yet, the office supervisor, then the city admins. */
export const ESCALATION_LEVELS = ['none', 'supervisor', 'admin'] as const;
export const EscalationLevel = lazySchema(() => z.enum(ESCALATION_LEVELS));
export type EscalationLevel = z.infer<typeof EscalationLevel>;

export const FindingId = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, schemaText(message('schema.findingId'))),
);
/** Ids from the city config (categories, departments, offices) and of grid objects. */
const ConfigId = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, schemaText(message('schema.configId'))),
);
const Note = lazySchema(() => Text(2000, { multiline: true }).min(1));
/** Stored instants: UTC, as `Date.prototype.toISOString` writes them. */
const Instant = lazySchema(() => z.iso.datetime());
/** A deadline as a client sends it: an instant with its offset, e.g. 2025-07-01T23:59:59+08:00. */
const DeadlineInput = lazySchema(() =>
  z.iso.datetime({
    offset: true,
    ...schemaText(message('schema.deadline')),
  }),
);

/**
 * A unified social credit code as typed: full-width, lower case and spaces are forgiven, then its
 * structure and check characters are verified (./uscc). The parsed value is the normalised code.
 */
export const Uscc = lazySchema(() =>
  z
    .string()
    .max(64)
    .transform(normaliseUscc)
    .superRefine((code, ctx) => {
      const problem = usccProblemText(code);
      if (problem !== null)
        ctx.addIssue({ code: 'custom', ...schemaText(message('schema.uscc', { problem })) });
    }),
);

/**
 * The body of POST /findings. lon/lat are WGS-84 (the edge converts GCJ-02 / BD-09 first). The
 * business type is checked against the city's categories by `createFinding`, which knows the config.
 * Unknown fields are refused: a misspelt `businesName` must not vanish silently.
 */
export const ReportInput = lazySchema(() =>
  z.strictObject({
    lon: storableNumber(z.number().min(-180).max(180)),
    lat: storableNumber(z.number().min(-90).max(90)),
    /** GPS accuracy radius reported by the phone. */
    accuracyM: storableNumber(z.number().min(0).max(10_000)).optional(),
    address: Text(200).min(1, schemaText(message('schema.addressRequired'))),
    businessName: Text(100).min(1, schemaText(message('schema.businessNameRequired'))),
    businessType: ConfigId,
    kind: FindingKind,
    note: Note.optional(),
    /** Attachment ids of photos uploaded for this report (POST /me/attachments, docs/decisions/0051). */
    photos: PhotoIds.default([]),
    /** The patrol task this was found on, if any (`patrolTaskId`: plan, date, shift and cell joined by '.'). */
    taskId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,200}$/, schemaText(message('schema.taskIdChars')))
      .optional(),
  }),
);
export type ReportInput = z.infer<typeof ReportInput>;

/** A finding as stored. Optional fields appear once the loop reaches the step that sets them. */
export const Finding = lazySchema(() =>
  z.object({
    id: FindingId,
    version: z.number().int().positive(),
    status: FindingStatus,

    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    accuracyM: z.number().min(0).optional(),
    address: z.string(),
    businessName: z.string(),
    businessType: ConfigId,
    kind: FindingKind,
    note: z.string().optional(),
    /**
     * Attachment ids of the finding's photos: the report's, then each action's (the event of each
     * step names its own). Records from before attachments hold object keys, read as they are.
     */
    photos: z.array(z.string()),
    taskId: z.string().optional(),

    /** Routing, fixed when reported: the grid version whose cell and zone the point fell in. */
    gridVersion: z.number().int().positive(),
    cellId: AreaId.nullable(),
    /** The responsible zone (the cell's primary zone): its officers act on the finding. */
    zoneId: AreaId.nullable(),
    /** Every zone the cell has a share in: who may read it (policy `FindingRef`). */
    zones: z.array(AreaId),
    /** The responsible zone's office: its supervisor is escalated to. */
    officeId: ConfigId.nullable(),

    reporterId: PersonId,
    reporterRole: Role,
    reportedAt: Instant,
    updatedAt: Instant,
    updatedBy: z.string(),

    /** Set at report time when an open finding nearby has a similar name (./duplicates). */
    possibleDuplicateOf: FindingId.optional(),
    /** The officer decided the flagged finding is a case of its own. */
    separatedFrom: FindingId.optional(),
    /** Confirmed: rejected as a duplicate of this finding. */
    duplicateOf: FindingId.optional(),

    verifiedAt: Instant.optional(),
    verifiedBy: z.string().optional(),
    rejectReason: RejectReason.optional(),

    /** Rectification deadline (required when ordered), or the feedback date asked of a department. */
    deadline: Instant.optional(),
    rectificationOrderedAt: Instant.optional(),
    department: ConfigId.optional(),
    receiptNo: z.string().optional(),
    transferredAt: Instant.optional(),

    /** The deadline has passed while the case was open. Cleared when it is resolved or given a new deadline. */
    overdue: z.boolean(),
    overdueSince: Instant.optional(),
    /** Ever overdue: kept for assessment (DOMAIN.md practice 8) after `overdue` is cleared. */
    wasOverdue: z.boolean(),
    /** When the case first went overdue (its deadline then): the day statistics count it on. */
    firstOverdueAt: Instant.optional(),
    escalation: EscalationLevel,
    escalatedToSupervisorAt: Instant.optional(),
    escalatedToAdminAt: Instant.optional(),

    outcome: Outcome.optional(),
    uscc: z.string().optional(),
    resolvedAt: Instant.optional(),
    resolvedBy: z.string().optional(),
    /** Fixed at resolution from the city's revisit delay; the revisit job queries by it. */
    revisitDueAt: Instant.optional(),
    revisitedAt: Instant.optional(),
    closedAt: Instant.optional(),
    reopenCount: z.number().int().min(0),
  }),
);
export type Finding = z.infer<typeof Finding>;

const ActionBase = {
  expectedVersion: lazySchema(() => z.number().int().positive()),
  note: lazySchema(() => Note.optional()),
  /** Photos of this step, uploaded for this finding (POST /findings/{id}/attachments). */
  photos: lazySchema(() => PhotoIds.optional()),
};

export const VerifyAction = lazySchema(() => z.strictObject({ action: z.literal('verify'), ...ActionBase }));
/** Also closes the duplicate question of a flagged finding as "not a duplicate", without verifying. */
export const SeparateAction = lazySchema(() =>
  z.strictObject({ action: z.literal('separate'), ...ActionBase }),
);
export const RejectAction = lazySchema(() =>
  z
    .strictObject({
      action: z.literal('reject'),
      ...ActionBase,
      reason: RejectReason,
      /** For `duplicate`; defaults to the finding's `possibleDuplicateOf`. */
      duplicateOf: FindingId.optional(),
      /** For `already_licensed`: the licence found. */
      uscc: Uscc.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.duplicateOf !== undefined && a.reason !== 'duplicate')
        ctx.addIssue({
          code: 'custom',
          path: ['duplicateOf'],
          ...schemaText(message('schema.onlyWithDuplicate')),
        });
      if (a.uscc !== undefined && a.reason !== 'already_licensed')
        ctx.addIssue({
          code: 'custom',
          path: ['uscc'],
          ...schemaText(message('schema.onlyWithAlreadyLicensed')),
        });
    }),
);
export const OrderRectificationAction = lazySchema(() =>
  z.strictObject({
    action: z.literal('order_rectification'),
    ...ActionBase,
    deadline: DeadlineInput,
  }),
);
export const TransferAction = lazySchema(() =>
  z.strictObject({
    action: z.literal('transfer'),
    ...ActionBase,
    department: ConfigId,
    /** The receiving department's receipt (回执) number. */
    receiptNo: Text(64).min(1, schemaText(message('schema.receiptRequired'))),
    /** When the department's feedback is due; without it a transferred case is never overdue. */
    deadline: DeadlineInput.optional(),
  }),
);
export const ResolveAction = lazySchema(() =>
  z
    .strictObject({
      action: z.literal('resolve'),
      ...ActionBase,
      outcome: Outcome,
      uscc: Uscc.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.outcome === 'licensed' && a.uscc === undefined)
        ctx.addIssue({ code: 'custom', path: ['uscc'], ...schemaText(message('schema.usccRequired')) });
      if (a.outcome !== 'licensed' && a.uscc !== undefined)
        ctx.addIssue({ code: 'custom', path: ['uscc'], ...schemaText(message('schema.onlyWithLicensed')) });
    }),
);
/** A supervisor's answer to an escalation (督办): a new deadline, with the reason in the note. */
export const ExtendDeadlineAction = lazySchema(() =>
  z.strictObject({
    action: z.literal('extend_deadline'),
    expectedVersion: ActionBase.expectedVersion,
    note: Note,
    photos: ActionBase.photos,
    deadline: DeadlineInput,
  }),
);
export const ConfirmRevisitAction = lazySchema(() =>
  z.strictObject({ action: z.literal('confirm_revisit'), ...ActionBase }),
);
export const ReopenAction = lazySchema(() =>
  z.strictObject({
    action: z.literal('reopen'),
    ...ActionBase,
    deadline: DeadlineInput,
  }),
);

/** The body of POST /findings/{id}/actions. */
export const Action = lazySchema(() =>
  z.discriminatedUnion('action', [
    VerifyAction,
    SeparateAction,
    RejectAction,
    OrderRectificationAction,
    TransferAction,
    ResolveAction,
    ExtendDeadlineAction,
    ConfirmRevisitAction,
    ReopenAction,
  ]),
);
export type Action = z.infer<typeof Action>;
export type ActionName = Action['action'];
export const ACTION_NAMES = [
  'verify',
  'separate',
  'reject',
  'order_rectification',
  'transfer',
  'resolve',
  'extend_deadline',
  'confirm_revisit',
  'reopen',
] as const satisfies readonly ActionName[];

/** What the scheduled jobs do on their own (./lifecycle `markOverdue`, `dueForRevisit`). */
export const SYSTEM_ACTIONS = ['mark_overdue', 'escalate_to_admin', 'revisit_due'] as const;
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];
export const EventAction = lazySchema(() => z.enum(['report', ...ACTION_NAMES, ...SYSTEM_ACTIONS]));
export type EventAction = z.infer<typeof EventAction>;

/** The actor of a scheduled job's event. */
export const SYSTEM_ACTOR = 'system';

/**
 * One step of a finding's history (DOMAIN.md "Integrity": who did what and when is kept for good).
 * Written in the same transaction as the finding it describes, never updated.
 */
export const FindingEvent = lazySchema(() =>
  z
    .object({
      findingId: FindingId,
      /** The finding's version after this step: events sort by it, and it is unique per finding. */
      version: z.number().int().positive(),
      at: Instant,
      actorId: z.string(),
      actorRole: z.union([Role, z.literal(SYSTEM_ACTOR)]),
      action: EventAction,
      from: FindingStatus.nullable(),
      to: FindingStatus,
      note: z.string().optional(),
      /** The action's own fields (deadline, department, outcome, ...) and what a job decided. */
      data: z.record(z.string(), z.unknown()),
      /**
       * The hash of the request body of a person's action, so that a retry of a step already taken
       * is recognised and answered as the first time (docs/decisions/0012-findings-latency.md).
       */
      requestHash: z.string().optional(),
    })
    .readonly(),
);
export type FindingEvent = z.infer<typeof FindingEvent>;
