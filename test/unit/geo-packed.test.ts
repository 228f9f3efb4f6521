import { buildGridIndex } from '@gridpatrol/core/geo/grid-index';
import {
  joinArtifact,
  loadGridIndex,
  loadGridIndexFromChunks,
  MAX_CHUNK_BYTES,
  PackedArtifactError,
  packGridIndex,
  splitArtifact,
} from '@gridpatrol/core/geo/packed';
import type { CellFeature } from '@gridpatrol/core/geo/types';
import { syntheticCity } from '@gridpatrol/local/synthetic-grid';
import { describe, expect, it } from 'vitest';

const city = syntheticCity({ cells: 1500, seed: 21, gap: true });
const index = buildGridIndex(city.cells);
const bytes = packGridIndex(index);
const g = index.data.grid;

/** Byte equality without vitest's element-by-element diff machinery (slow on megabytes). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Deterministic query points over the city's bbox, plus every 11th vertex of the first cells. */
function queryPoints(): [number, number][] {
  let seed = 9;
  const rnd = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const out: [number, number][] = [];
  for (let i = 0; i < 4000; i++)
    out.push([g.minX + rnd() * (g.maxX - g.minX), g.minY + rnd() * (g.maxY - g.minY)]);
  for (const c of city.cells.slice(0, 100)) {
    const ring = c.geometry.type === 'Polygon' ? c.geometry.coordinates[0] : c.geometry.coordinates[0]?.[0];
    (ring ?? []).forEach((p, i) => {
      if (i % 11 === 0) out.push([p[0], p[1]]);
    });
  }
  return out;
}

function expectSameAnswers(a: ReturnType<typeof buildGridIndex>, b: ReturnType<typeof buildGridIndex>): void {
  const differ: string[] = [];
  for (const [x, y] of queryPoints()) {
    const ra = JSON.stringify(a.resolve(x, y, { accuracyM: 15 }));
    const rb = JSON.stringify(b.resolve(x, y, { accuracyM: 15 }));
    if (ra !== rb) differ.push(`${x},${y}: ${ra} vs ${rb}`);
    if (JSON.stringify(a.resolve(x, y)) !== JSON.stringify(b.resolve(x, y)))
      differ.push(`${x},${y} (default)`);
  }
  expect(differ.slice(0, 5)).toEqual([]);
}

describe('packed point index', () => {
  it('round-trips: the loaded index answers exactly like the built one', () => {
    const loaded = loadGridIndex(bytes);
    expect(loaded.size).toBe(index.size);
    expect(loaded.ids).toEqual(index.ids);
    expectSameAnswers(index, loaded);
  });

  it('stores 1e-7° coordinates as integers and is smaller than the GeoJSON', () => {
    const f64 = packGridIndex(index, { coordinates: 'f64' });
    expect(bytes.byteLength).toBeLessThan(f64.byteLength);
    expect(bytes.byteLength).toBeLessThan(JSON.stringify(city.cells).length);
    expectSameAnswers(index, loadGridIndex(f64));
  });

  it('falls back to float64 when coordinates do not round-trip at 1e-7°', () => {
    const odd: CellFeature[] = [
      {
        type: 'Feature',
        properties: { id: 'A', name: 'A' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [120 + 1 / 3, 30],
              [120.5, 30],
              [120.5, 30 + Math.PI / 100],
              [120 + 1 / 3, 30],
            ],
          ],
        },
      },
    ];
    const idx = buildGridIndex(odd);
    const packed = packGridIndex(idx);
    expect(packed[6]).toBe(1); // coordinate encoding byte: float64
    const loaded = loadGridIndex(packed);
    expect(loaded.data.layer.coords).toEqual(idx.data.layer.coords);
    expect(loaded.resolve(120 + 1 / 3, 30)).toEqual(idx.resolve(120 + 1 / 3, 30));
  });

  it('re-packs a loaded (lazily decoded) index to the same bytes', () => {
    const loaded = loadGridIndex(bytes);
    loaded.resolve(g.minX + (g.maxX - g.minX) / 2, g.minY + (g.maxY - g.minY) / 2);
    expect(sameBytes(packGridIndex(loaded), bytes)).toBe(true);
  });

  it('loads from bytes at any alignment', () => {
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    expectSameAnswers(index, loadGridIndex(shifted.subarray(3)));
  });

  it('splits into chunks of at most 350 KB and joins them back in any order', () => {
    const chunks = splitArtifact(bytes);
    expect(chunks.length).toBe(Math.ceil(bytes.byteLength / (MAX_CHUNK_BYTES - 32)));
    for (const c of chunks) expect(c.byteLength).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(sameBytes(joinArtifact(chunks), bytes)).toBe(true);
    const shuffled = [...chunks].reverse();
    expect(sameBytes(joinArtifact(shuffled), bytes)).toBe(true);
    expectSameAnswers(index, loadGridIndexFromChunks(shuffled));
    const small = splitArtifact(bytes, 4096);
    expect(small.every((c) => c.byteLength <= 4096)).toBe(true);
    expect(sameBytes(joinArtifact(small), bytes)).toBe(true);
  });

  it('rejects a corrupted chunk, naming it', () => {
    const chunks = splitArtifact(bytes, 64 * 1024).map((c) => c.slice());
    const victim = chunks[2] as Uint8Array;
    victim[1000] = (victim[1000] as number) ^ 0x10;
    expect(() => joinArtifact(chunks)).toThrow(PackedArtifactError);
    expect(() => joinArtifact(chunks)).toThrow(/chunk #2 is corrupt/);
    try {
      joinArtifact(chunks);
    } catch (e) {
      expect((e as PackedArtifactError).code).toBe('checksum_mismatch');
    }
  });

  it('rejects a missing, duplicated or foreign chunk', () => {
    const chunks = splitArtifact(bytes, 64 * 1024);
    expect(() => joinArtifact(chunks.slice(1))).toThrow(/Chunk 0 of \d+ is missing/);
    expect(() => joinArtifact([...chunks, chunks[0] as Uint8Array])).toThrow(/appears twice/);
    const other = splitArtifact(packGridIndex(buildGridIndex(city.cells.slice(0, 700))), 64 * 1024);
    expect(() => joinArtifact([...chunks.slice(0, 2), other[2] as Uint8Array])).toThrow(
      /belongs to another artifact/,
    );
    expect(() => joinArtifact([])).toThrow(PackedArtifactError);
  });

  it('rejects a corrupted, truncated, foreign or newer artifact with a clear error', () => {
    const flipped = bytes.slice();
    flipped[bytes.byteLength - 9] = (flipped[bytes.byteLength - 9] as number) ^ 1;
    expect(() => loadGridIndex(flipped)).toThrow(/checksum mismatch/);
    expect(() => loadGridIndex(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/says \d+ bytes/);
    expect(() => loadGridIndex(bytes.subarray(0, 20))).toThrow(/shorter than its header/);
    expect(() =>
      loadGridIndex(new TextEncoder().encode('{"type":"FeatureCollection","features":[]}'.padEnd(96))),
    ).toThrow(/bad magic/);
    const newer = bytes.slice();
    newer[4] = 2;
    expect(() => loadGridIndex(newer)).toThrow(/format 2, this code reads 1/);
    try {
      loadGridIndex(newer);
    } catch (e) {
      expect(e).toBeInstanceOf(PackedArtifactError);
      expect((e as PackedArtifactError).code).toBe('unsupported_version');
    }
  });

  it('packs an empty index', () => {
    const empty = loadGridIndex(packGridIndex(buildGridIndex([])));
    expect(empty.size).toBe(0);
    expect(empty.resolve(120, 30).status).toBe('outside');
  });
});
