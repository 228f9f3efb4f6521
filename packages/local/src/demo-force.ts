/**
 * The demo city's field force beyond the people of DOMAIN.md (issue 16): enough officers that every
 * zone has one (about one per eight of its cells), a grid leader for every community and a worker
 * for every three or four of its cells, so that every zoned cell has a grid partner; a few people on
 * leave next week, one officer who must avoid a cell (回避), and some volunteers. It adds people and
 * never takes a cell or zone from the seeded ones (tests rely on officer-li alone serving the first
 * zone, and on the first street's people as they are).
 */
import { addDays, type BuiltGrid, type CityConfig, localDate } from '@gridpatrol/core';

const SURNAMES = [
  ...'张王李赵陈刘杨黄吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];

/** Officers a zone gets: one per eight cells it is the primary zone of, at least one. */
const CELLS_PER_OFFICER = 8;
/** Cells a grid worker serves beside the community's leader. */
const CELLS_PER_WORKER = 4;

interface Seeded {
  /** Zones that already have their officer (the seeded ones'), and how many. */
  readonly officersOfZone: ReadonlyMap<string, number>;
  /** Cells that already have a grid partner. */
  readonly partneredCells: ReadonlySet<string>;
}

/**
 * The extra people of the demo city, as raw person records (parsed by the seed).
 *
 * @example demoForce(config, built, seeded, new Date()).length // about 150
 */
export function demoForce(config: CityConfig, built: BuiltGrid, seeded: Seeded, now: Date): unknown[] {
  let n = 0;
  const name = (title: string, role: string) => `${SURNAMES[n++ % SURNAMES.length]}${title} (${role})`;
  const officeOfZone = new Map(built.zones.map((z) => [z.id, z.office]));
  const people: unknown[] = [];

  // Next week's working days: the days off of those on leave (a plan drafted for it shows them out).
  const today = localDate(now, config.timeZone);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const nextMonday = addDays(today, 7 - weekday);
  const leave = [0, 1, 2, 3, 4].map((d) => addDays(nextMonday, d));

  for (const zone of [...built.zones].sort((a, b) => a.id.localeCompare(b.id))) {
    const primary = built.cells.filter((c) => c.primaryZone === zone.id).map((c) => c.id);
    const wanted = Math.max(1, Math.ceil(primary.length / CELLS_PER_OFFICER));
    const have = seeded.officersOfZone.get(zone.id) ?? 0;
    for (let i = have; i < wanted; i++) {
      const id = `officer-${zone.id.toLowerCase()}-${i + 1}`;
      people.push({
        id,
        name: name('警官', `zone officer, ${zone.id}`),
        role: 'zone_officer',
        office: zone.office,
        zones: [zone.id],
        capacity: 10,
        // The first extra officer of the third zone avoids a cell of it (回避: a relative's shop).
        ...(zone.id === 'Z-003' && i === have && primary[0] ? { conflictCells: [primary[0]] } : {}),
        // The last officer of the fourth zone is on leave next week.
        ...(zone.id === 'Z-004' && i === wanted - 1
          ? { availability: { weekdays: [1, 2, 3, 4, 5], datesOff: leave } }
          : {}),
      });
    }
  }

  // Grid people by community and office: a leader for the community's cells, workers for every few.
  const communities = new Map<string, string[]>();
  for (const c of built.cells) {
    const office = c.primaryZone ? officeOfZone.get(c.primaryZone) : undefined;
    if (!office || seeded.partneredCells.has(c.id)) continue;
    const key = `${office}|${c.community}`;
    communities.set(key, [...(communities.get(key) ?? []), c.id]);
  }
  let k = 0;
  for (const [key, cells] of [...communities].sort(([a], [b]) => a.localeCompare(b))) {
    const [office, community] = key.split('|') as [string, string];
    k++;
    const tag = String(k).padStart(2, '0');
    cells.sort();
    people.push({
      id: `leader-c${tag}`,
      name: name('网格长', `grid leader, ${community}`),
      role: 'grid_leader',
      office,
      cells,
      capacity: 6,
    });
    for (let i = 0; i * CELLS_PER_WORKER < cells.length; i++) {
      people.push({
        id: `worker-c${tag}-${i + 1}`,
        name: name('网格员', `grid worker, ${community}`),
        role: 'grid_worker',
        office,
        cells: cells.slice(i * CELLS_PER_WORKER, (i + 1) * CELLS_PER_WORKER),
        capacity: 8,
        // Every seventh community's first worker is on leave next week.
        ...(k % 7 === 0 && i === 0 ? { availability: { weekdays: [1, 2, 3, 4, 5], datesOff: leave } } : {}),
      });
    }
    // Every third community has a volunteer who reports but is never planned.
    if (k % 3 === 0) {
      people.push({
        id: `volunteer-c${tag}`,
        name: name('志愿者', `volunteer, ${community}`),
        role: 'volunteer',
        office,
        cells: cells.slice(0, 2),
      });
    }
  }
  return people;
}
