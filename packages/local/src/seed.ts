/**
 * Seeds a city's embedded database once. Every city gets its administrator (`admin`). The demo city
 * also gets a grid that looks like a real one — a few hundred irregular cells along winding borders,
 * one sub-district of 34 cells, zones that do not align with them, with a gap and an overlap — and
 * the people of DOMAIN.md serving its first zones and cells.
 */
import {
  type BuiltGrid,
  buildGrid,
  type CityConfig,
  type Person,
  Person as PersonSchema,
} from '@gridpatrol/core';
import {
  activateGridVersion,
  getCityRecord,
  putCityRecord,
  putPerson,
  storeBuiltGrid,
} from '@gridpatrol/store';
import { seedDemoFindings } from './demo-findings';
import { demoForce } from './demo-force';
import { syntheticCity } from './synthetic-grid';

export const ADMIN_ID = 'admin';
export const DEMO_CELLS = 300;
const DEMO_SEED = 20_261_123;

export interface DemoArea {
  /** Zones of the first office, in id order. */
  zones: string[];
  /** Cells of the first sub-district (street), in id order. */
  cells: string[];
  /** Zones of the second office, in id order: the area the west people serve (out of the east's scope). */
  westZones: string[];
  /** Cells touching only zones of the second office, in id order. */
  westCells: string[];
}

function demoPeople(config: CityConfig, area: DemoArea): Person[] {
  const office = config.offices[0]?.id;
  const west = config.offices[1]?.id;
  const [z1, z2] = area.zones;
  const cells = area.cells;
  const raw: unknown[] = [
    { id: ADMIN_ID, name: '系统管理员 City Admin', role: 'city_admin' },
    { id: 'sup-east', name: '王所长 Wang (East Office head)', role: 'supervisor', office },
    {
      id: 'officer-li',
      name: '李警官 Li (zone officer)',
      role: 'zone_officer',
      office,
      zones: [z1],
      capacity: 10,
    },
    {
      id: 'officer-zhao',
      name: '赵警官 Zhao (zone officer)',
      role: 'zone_officer',
      office,
      zones: [z2 ?? z1],
      capacity: 10,
    },
    {
      id: 'leader-chen',
      name: '陈网格长 Chen (grid leader)',
      role: 'grid_leader',
      office,
      cells: cells.slice(0, 6),
      capacity: 6,
    },
    {
      id: 'worker-liu',
      name: '刘网格员 Liu (grid worker)',
      role: 'grid_worker',
      office,
      cells: cells.slice(0, 3),
      capacity: 8,
    },
    {
      id: 'worker-sun',
      name: '孙网格员 Sun (grid worker)',
      role: 'grid_worker',
      office,
      cells: cells.slice(3, 6),
      capacity: 8,
    },
    {
      id: 'volunteer-zhou',
      name: '周志愿者 Zhou (volunteer)',
      role: 'volunteer',
      office,
      cells: cells.slice(0, 1),
    },
    // A second office, so that every east role has people, zones and cells outside its scope.
    { id: 'sup-west', name: '钱所长 Qian (West Office head)', role: 'supervisor', office: west },
    {
      id: 'officer-wang',
      name: '王警官 Wang (zone officer, west)',
      role: 'zone_officer',
      office: west,
      zones: area.westZones.slice(0, 1),
      capacity: 10,
    },
    {
      id: 'worker-he',
      name: '何网格员 He (grid worker, west)',
      role: 'grid_worker',
      office: west,
      cells: area.westCells.slice(0, 2),
      capacity: 8,
    },
  ];
  return raw.map((p) => PersonSchema.parse(p));
}

/** The demo grid as uploaded GeoJSON, the same every time. */
export function demoGridFiles(config: CityConfig) {
  const city = syntheticCity({
    cells: DEMO_CELLS,
    seed: DEMO_SEED,
    offices: config.offices.map((o) => o.id),
    gap: true,
    overlap: true,
  });
  return {
    cells: { type: 'FeatureCollection' as const, features: city.cells },
    zones: { type: 'FeatureCollection' as const, features: city.zones },
  };
}

export interface SeedResult {
  seeded: boolean;
  people: Person[];
}

async function seedDemoGrid(config: CityConfig): Promise<{ area: DemoArea; built: BuiltGrid }> {
  const files = demoGridFiles(config);
  const built = buildGrid(files.cells, files.zones, { config });
  const meta = await storeBuiltGrid(built, ADMIN_ID);
  await activateGridVersion(meta.version, ADMIN_ID);
  const office = config.offices[0]?.id;
  const west = config.offices[1]?.id;
  const firstStreet = built.cells[0]?.street;
  const zonesOf = (o: string | undefined) =>
    built.zones
      .filter((z) => z.office === o)
      .map((z) => z.id)
      .sort();
  const westZones = zonesOf(west);
  const firstWest = westZones[0];
  const area = {
    zones: zonesOf(office),
    cells: built.cells
      .filter((c) => c.street === firstStreet)
      .map((c) => c.id)
      .sort(),
    westZones,
    // Cells wholly in the west officer's first zone: out of every east person's scope.
    westCells: built.cells
      .filter((c) => c.zones.length > 0 && c.zones.every((s) => s.zoneId === firstWest))
      .map((c) => c.id)
      .sort(),
  };
  return { area, built };
}

/** The people of DOMAIN.md, then (`full`) the rest of the force (demo-force.ts) around them. */
function demoCityPeople(
  config: CityConfig,
  area: DemoArea,
  built: BuiltGrid,
  full: boolean,
  now: Date,
): Person[] {
  const base = demoPeople(config, area);
  if (!full) return base;
  const officersOfZone = new Map<string, number>();
  const partneredCells = new Set<string>();
  for (const p of base) {
    if (p.role === 'zone_officer')
      for (const z of p.zones) officersOfZone.set(z, (officersOfZone.get(z) ?? 0) + 1);
    if (p.role === 'grid_leader' || p.role === 'grid_worker') for (const c of p.cells) partneredCells.add(c);
  }
  const extra = demoForce(config, built, { officersOfZone, partneredCells }, now);
  return [...base, ...extra.map((p) => PersonSchema.parse(p))];
}

export interface SeedOptions {
  /**
   * The demo city as `npm start` shows it: a whole field force and six weeks of findings in every
   * state (demo-force.ts, demo-findings.ts). The tests' seed leaves them out: their counts start
   * from the people of DOMAIN.md and an empty city, and every test file seeds its own table.
   * @default false
   */
  readonly full?: boolean;
}

/** Idempotent: a city already seeded is left as it is. */
export async function seedCity(config: CityConfig, opts: SeedOptions = {}): Promise<SeedResult> {
  const existing = await getCityRecord();
  if (existing?.seededAt) return { seeded: false, people: existing.people ?? [] };
  const now = new Date();
  const full = opts.full === true && config.name === 'demo';
  const people =
    config.name === 'demo'
      ? await seedDemoGrid(config).then(({ area, built }) => demoCityPeople(config, area, built, full, now))
      : [PersonSchema.parse({ id: ADMIN_ID, name: 'City Admin', role: 'city_admin' })];
  // One at a time: a burst of parallel writes outlasts the client's request timeout on a busy
  // DynamoDB Local (seen with 16 at once while other suites ran).
  for (const person of people) await putPerson(person);
  if (full) await seedDemoFindings(config, people, now);
  await putCityRecord({ name: config.name, seededAt: now.toISOString(), people });
  return { seeded: true, people };
}
