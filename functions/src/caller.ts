/**
 * Who a request acts as, as core's rules and the events they write name them. One function, so
 * every application module (findings, tasks, plans, people) records the same actor.
 */
import type { Actor, Person } from '@gridpatrol/core';

/** @example actorOf(caller) // { id: 'officer-li', role: 'zone_officer' } */
export const actorOf = (caller: Person): Actor => ({ id: caller.id, role: caller.role });
