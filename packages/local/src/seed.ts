/**
 * Seeds a city's embedded database once: every city gets its administrator (`admin`); the demo city
 * also gets the people of DOMAIN.md — supervisors, zone officers, grid leaders and workers, a
 * volunteer — so that `npm start` shows a working bureau.
 */
import type { CityConfig, Person } from '@gridpatrol/core';
import { Person as PersonSchema } from '@gridpatrol/core';
import { getCityRecord, putCityRecord, putPerson } from '@gridpatrol/store';

export const ADMIN_ID = 'admin';

function demoPeople(config: CityConfig): Person[] {
  const office = (i: number) => config.offices[i % config.offices.length]?.id;
  const raw: unknown[] = [
    { id: ADMIN_ID, name: '系统管理员 City Admin', role: 'city_admin' },
    { id: 'sup-east', name: '王所长 Wang (East Office head)', role: 'supervisor', office: office(0) },
    {
      id: 'officer-li',
      name: '李警官 Li (zone officer)',
      role: 'zone_officer',
      office: office(0),
      capacity: 10,
    },
    {
      id: 'officer-zhao',
      name: '赵警官 Zhao (zone officer)',
      role: 'zone_officer',
      office: office(0),
      capacity: 10,
    },
    {
      id: 'leader-chen',
      name: '陈网格长 Chen (grid leader)',
      role: 'grid_leader',
      office: office(0),
      capacity: 6,
    },
    {
      id: 'worker-liu',
      name: '刘网格员 Liu (grid worker)',
      role: 'grid_worker',
      office: office(0),
      capacity: 8,
    },
    {
      id: 'worker-sun',
      name: '孙网格员 Sun (grid worker)',
      role: 'grid_worker',
      office: office(0),
      capacity: 8,
    },
    { id: 'volunteer-zhou', name: '周志愿者 Zhou (volunteer)', role: 'volunteer', office: office(0) },
  ];
  return raw.map((p) => PersonSchema.parse(p));
}

export interface SeedResult {
  seeded: boolean;
  people: Person[];
}

/** Idempotent: a city already seeded is left as it is. */
export async function seedCity(config: CityConfig): Promise<SeedResult> {
  const people =
    config.name === 'demo'
      ? demoPeople(config)
      : [PersonSchema.parse({ id: ADMIN_ID, name: 'City Admin', role: 'city_admin' })];
  const existing = await getCityRecord();
  if (existing?.seededAt) return { seeded: false, people };
  for (const person of people) await putPerson(person);
  await putCityRecord({ name: config.name, seededAt: new Date().toISOString() });
  return { seeded: true, people };
}
