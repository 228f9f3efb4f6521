/** The people group's routes (functions/src/handlers/people.ts serves them; ./index.ts lists every group's). */
import {
  DeactivationReport,
  lazySchema,
  MarkAllReadOut,
  MeOut,
  NotificationIdParam,
  NotificationListQuery,
  NotificationOut,
  NotificationSettings,
  PageOut,
  PeopleImportBody,
  PeopleImportOut,
  PeopleQuery,
  PersonId,
  PersonInput,
  PersonRecord,
  PersonSaved,
  SERVER_OWNED_FIELDS,
} from '@gridpatrol/core';
import * as z from 'zod';
import type { RouteDef } from '../manifest-types';
import { AREA_ROLES, EVERYONE } from './shared';

export const PEOPLE_ROUTES = [
  {
    method: 'GET',
    path: '/me',
    group: 'people',
    operationId: 'getMe',
    summary: "The caller's own person record, with how many of their notifications are unread.",
    roles: EVERYONE,
    response: MeOut,
  },
  // Notifications (issue 17, docs/decisions/0052)
  {
    method: 'GET',
    path: '/me/notifications',
    group: 'people',
    operationId: 'listMyNotifications',
    summary:
      "The caller's notifications, unread first and newest first within each, with their text in the reader's language and a link to their object.",
    roles: EVERYONE,
    request: { query: NotificationListQuery },
    response: lazySchema(() => PageOut(NotificationOut)),
  },
  {
    method: 'POST',
    path: '/me/notifications/{id}/read',
    group: 'people',
    operationId: 'markMyNotificationRead',
    summary:
      "Mark one of the caller's notifications read (again: no change). 404 for an id that is not theirs.",
    roles: EVERYONE,
    request: { params: NotificationIdParam },
    response: NotificationOut,
  },
  {
    method: 'GET',
    path: '/me/notification-settings',
    group: 'people',
    operationId: 'getMyNotificationSettings',
    summary:
      "How the caller is told: channels they turned off, the phone for SMS (else their record's), the e-mail address, and whether they get one digest a day.",
    roles: EVERYONE,
    response: NotificationSettings,
  },
  {
    method: 'PUT',
    path: '/me/notification-settings',
    group: 'people',
    operationId: 'putMyNotificationSettings',
    summary:
      "Replace how the caller is told (unknown fields, a channel that does not exist, a phone or e-mail that is not one are refused, naming the field). Only the caller's own.",
    roles: EVERYONE,
    request: { body: NotificationSettings },
    response: NotificationSettings,
  },
  {
    method: 'POST',
    path: '/me/notifications/read-all',
    group: 'people',
    operationId: 'markAllMyNotificationsRead',
    summary:
      "Mark the caller's unread notifications read, up to 100 a call; `more` says unread ones remain (call again).",
    roles: EVERYONE,
    response: MarkAllReadOut,
  },
  {
    method: 'GET',
    path: '/people',
    group: 'people',
    operationId: 'listPeople',
    summary:
      "People of the caller's area, by role then id. `zone` lists those serving the zone and the cells touching it; `cell` those serving the cell. Without a filter: the city (admin), the office (supervisor), or the caller's own zones and cells.",
    roles: AREA_ROLES,
    request: { query: PeopleQuery },
    response: lazySchema(() => PageOut(PersonRecord)),
  },
  {
    method: 'GET',
    path: '/people/{id}',
    group: 'people',
    operationId: 'getPerson',
    summary: "A person of the caller's area (anyone may read themselves); 404 otherwise.",
    roles: EVERYONE,
    request: { params: lazySchema(() => z.object({ id: PersonId })) },
    response: PersonRecord,
  },
  {
    method: 'PUT',
    path: '/people/{id}',
    group: 'people',
    operationId: 'putPerson',
    summary:
      'Create or replace a person with their memberships. A supervisor may manage field people of their own office, in the zones and cells of their scope only. Server-owned fields (id, version, timestamps) are a 422. Saving a person inactive flags their future published tasks for reassignment and reports them, with the zones whose cases move to the supervisor (`deactivation`).',
    roles: ['city_admin', 'supervisor'],
    request: { params: lazySchema(() => z.object({ id: PersonId })), body: PersonInput },
    response: PersonSaved,
    // What GET /me adds to the record (issue 17) is the server's too: a body sending it back is a 422.
    serverOwned: [...SERVER_OWNED_FIELDS, 'unreadNotifications'],
  },
  {
    method: 'POST',
    path: '/people/imports',
    group: 'people',
    operationId: 'importPeople',
    summary:
      "Create or replace people from a CSV (`csv`: the text of `gridpatrol people import`'s file: a header row, columns id, name, phone, role, office, zones, cells, capacity, weekdays, datesOff, active; lists separated by ; or |). Every row is checked first — the schema, the city's offices, the active grid's zones and cells, no id twice, and that the caller may manage each person as PUT /people/{id} would allow — and one problem refuses the whole file with a 422 listing each at `csv.lines[N].field`; nothing is written then. At most 200 people (larger files: the CLI). Answers who was created and who replaced, and each deactivation's and reactivation's report.",
    roles: ['city_admin', 'supervisor'],
    request: { body: PeopleImportBody },
    response: PeopleImportOut,
  },
  {
    method: 'GET',
    path: '/people/{id}/deactivation',
    group: 'people',
    operationId: 'previewDeactivation',
    summary:
      'What saving this person inactive would leave, written nowhere (shown before a manager confirms): the future published tasks that would be flagged for reassignment, how many are not flagged yet, the zones left without an active officer with their open findings, and the supervisors whose to-do would take them — the `deactivation` block PUT /people/{id} answers. Whoever may deactivate the person may ask (404 otherwise, as for PUT).',
    roles: ['city_admin', 'supervisor'],
    request: { params: lazySchema(() => z.object({ id: PersonId })) },
    response: DeactivationReport,
  },
] as const satisfies readonly RouteDef[];
