/**
 * Every entity's keys come from one function here; nothing else builds a key by hand.
 * Key parts are joined with '#', so ids must not contain it (the core schemas forbid it).
 * Grid versions are zero-padded so that they sort as numbers.
 */
const v = (version: number) => `GRID#${String(version).padStart(6, '0')}`;
const part = (n: number) => String(n).padStart(4, '0');

export const keys = {
  /** The city's own record: seed marker. */
  city: () => ({ pk: 'CITY', sk: 'META' }),
  /** A person; the index lists everyone, by role then id (the city admin's unfiltered list). */
  person: (id: string, role: string) => ({
    pk: `PERSON#${id}`,
    sk: 'PERSON',
    gsi1pk: 'PEOPLE#ALL',
    gsi1sk: `${role}#${id}`,
  }),
  /**
   * A copy of a person under each office, zone and cell they serve; the index lists the people of
   * one of them, by role then id, so a list scoped to an area is a Query on that area's partitions.
   */
  personMembership: (id: string, role: string, kind: 'office' | 'zone' | 'cell', areaId: string) => ({
    pk: `PERSON#${id}`,
    sk: `MEMBER#${kind.toUpperCase()}#${areaId}`,
    gsi1pk: `PEOPLE#${kind.toUpperCase()}#${areaId}`,
    gsi1sk: `${role}#${id}`,
  }),

  /** Which grid version is active, and the last version number handed out. */
  gridPointer: () => ({ pk: 'GRID', sk: 'POINTER' }),
  gridVersion: (version: number) => ({
    pk: v(version),
    sk: 'META',
    gsi1pk: 'GRID#VERSIONS',
    gsi1sk: v(version),
  }),
  /** The import report, split in parts (a report of a large, messy file outgrows one item). */
  gridReportPart: (version: number, n: number) => ({ pk: v(version), sk: `REPORT#${part(n)}` }),
  /** The packed point-resolution index, in chunks that one BatchGetItem fetches. */
  gridArtifactChunk: (version: number, n: number) => ({
    pk: `${v(version)}#ARTIFACT`,
    sk: `CHUNK#${part(n)}`,
  }),

  cell: (version: number, id: string) => ({
    pk: `${v(version)}#CELL#${id}`,
    sk: 'CELL',
    gsi1pk: `${v(version)}#CELLS`,
    gsi1sk: id,
  }),
  /** A cell's share in one zone; the index lists a zone's cells. */
  cellZone: (version: number, cellId: string, zoneId: string) => ({
    pk: `${v(version)}#CELL#${cellId}`,
    sk: `ZONE#${zoneId}`,
    gsi1pk: `${v(version)}#ZONE#${zoneId}#CELLS`,
    gsi1sk: cellId,
  }),
  zone: (version: number, id: string) => ({
    pk: `${v(version)}#ZONE#${id}`,
    sk: 'ZONE',
    gsi1pk: `${v(version)}#ZONES`,
    gsi1sk: id,
  }),
  /** Geometry of a cell or zone (gzip'd GeoJSON), in parts under the 400 KB item limit. */
  geometryPart: (ownerPk: string, n: number) => ({ pk: ownerPk, sk: `GEOM#${part(n)}` }),
} as const;

/** The table key of an item (without its index attributes), for GetItem, UpdateItem and deletes. */
export const primaryKey = (k: { pk: string; sk: string }) => ({ pk: k.pk, sk: k.sk });
