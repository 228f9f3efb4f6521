/**
 * The point index as one compact binary artifact, and its split into DynamoDB-sized chunks.
 *
 * A cold Lambda must answer its first point fast. Parsing the cell layer's GeoJSON and rebuilding
 * the index costs ~200 ms at 20k cells, almost all of it JSON.parse; this artifact is read with
 * typed-array views over the bytes (no parsing, no rebuild), so the first answer comes in a few
 * milliseconds. docs/decisions/0003-point-resolution.md has the measurements.
 *
 * Layout (little-endian; every section starts on an 8-byte boundary):
 *
 *   0  magic "GPGI"            4  format version u16, coordinate encoding u8, reserved u8
 *   8  total length u32       12  checksum u32 (FNV-1a in four lanes over all other 32-bit words)
 *  16  cells, parts, rings, vertices (u32 each)
 *  32  grid nx, ny, list length (u32 each), id bytes u32
 *  48  grid minX, minY, maxX, maxY (f64 each)
 *  80  featurePart u32[cells+1] · partRing u32[parts+1] · ringVertex u32[rings+1] ·
 *      cell records f64[8·cells] · ring records f64[6·rings] (index-flat.ts; stored so that loading
 *      needs no pass over the coordinates) · coords (i32[2·vertices] in units of 1e-7° when every
 *      coordinate round-trips exactly, decoded per cell on first use; f64[2·vertices] otherwise) ·
 *      grid buckets i32[nx·ny] · grid lists u32[…] · ids (UTF-8, NUL-separated)
 *
 * A chunk is a 32-byte header ("GPCK", version, the artifact's checksum and length, chunk index
 * and count, payload length, the chunk's own checksum) followed by a slice of the artifact.
 */
import { GridIndex, type GridIndexData } from './grid-index';
import { FEATURE_REC, RING_REC } from './index-flat';

export const PACKED_FORMAT_VERSION = 1;
/** DynamoDB items are at most 400 KB; this leaves room for keys and other attributes. */
export const MAX_CHUNK_BYTES = 350_000;

const MAGIC = 0x49475047; // "GPGI" read as little-endian u32
const CHUNK_MAGIC = 0x4b435047; // "GPCK"
const HEADER_BYTES = 80;
const CHUNK_HEADER_BYTES = 32;
const COORD_F64 = 1;
const COORD_I32E7 = 2;
const E7 = 1e7;

export type PackedArtifactErrorCode =
  | 'bad_magic'
  | 'unsupported_version'
  | 'truncated'
  | 'checksum_mismatch'
  | 'malformed'
  | 'chunk_missing'
  | 'chunk_mismatch';

/** A packed artifact or chunk set that cannot be trusted; never served, always rebuilt. */
export class PackedArtifactError extends Error {
  constructor(
    readonly code: PackedArtifactErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PackedArtifactError';
  }
}

export interface PackOptions {
  /** 'auto' (default) stores 1e-7° integers when that is lossless, float64 otherwise. */
  readonly coordinates?: 'auto' | 'f64';
}

/**
 * Serialises a built index.
 *
 * @example
 *   const bytes = packGridIndex(buildGridIndex(cells));
 *   const chunks = splitArtifact(bytes); // each ≤ 350 KB, for DynamoDB items
 */
export function packGridIndex(index: GridIndex, options: PackOptions = {}): Uint8Array {
  assertLittleEndian();
  const { ids, layer, grid, pendingCoords } = index.data;
  const encoder = new TextEncoder();
  for (const id of ids)
    if (id.includes('\0')) throw new RangeError(`cell id ${JSON.stringify(id)} contains NUL`);
  const idBytes = encoder.encode(ids.join('\0'));
  // A loaded index may not have decoded every cell yet: its integers are the exact source then.
  const coordCount = layer.coords.length;
  const useI32 =
    options.coordinates !== 'f64' && (pendingCoords !== undefined || roundTripsAtE7(layer.coords));
  const coordBytes = coordCount * (useI32 ? 4 : 8);
  const sections = [
    layer.featurePart.byteLength,
    layer.partRing.byteLength,
    layer.ringVertex.byteLength,
    layer.featureRec.byteLength,
    layer.ringRec.byteLength,
    coordBytes,
    grid.bucket.byteLength,
    grid.lists.byteLength,
    idBytes.byteLength,
  ];
  const offsets: number[] = [];
  let at = HEADER_BYTES;
  for (const size of sections) {
    offsets.push(at);
    at = align8(at + size);
  }
  const total = at;
  const buffer = new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, PACKED_FORMAT_VERSION, true);
  view.setUint8(6, useI32 ? COORD_I32E7 : COORD_F64);
  view.setUint32(8, total, true);
  view.setUint32(16, layer.count, true);
  view.setUint32(20, layer.partRing.length - 1, true);
  view.setUint32(24, layer.ringVertex.length - 1, true);
  view.setUint32(28, coordCount / 2, true);
  view.setUint32(32, grid.nx, true);
  view.setUint32(36, grid.ny, true);
  view.setUint32(40, grid.lists.length, true);
  view.setUint32(44, idBytes.byteLength, true);
  view.setFloat64(48, grid.minX, true);
  view.setFloat64(56, grid.minY, true);
  view.setFloat64(64, grid.maxX, true);
  view.setFloat64(72, grid.maxY, true);
  const [oPart, oRing, oVert, oFeat, oRRec, oCoord, oBucket, oLists, oIds] = offsets as Nine;
  new Uint32Array(buffer, oPart, layer.featurePart.length).set(layer.featurePart);
  new Uint32Array(buffer, oRing, layer.partRing.length).set(layer.partRing);
  new Uint32Array(buffer, oVert, layer.ringVertex.length).set(layer.ringVertex);
  new Float64Array(buffer, oFeat, layer.featureRec.length).set(layer.featureRec);
  new Float64Array(buffer, oRRec, layer.ringRec.length).set(layer.ringRec);
  if (pendingCoords !== undefined && useI32) new Int32Array(buffer, oCoord, coordCount).set(pendingCoords);
  else if (useI32) {
    const out = new Int32Array(buffer, oCoord, coordCount);
    for (let i = 0; i < coordCount; i++) out[i] = Math.round((layer.coords[i] as number) * E7);
  } else if (pendingCoords !== undefined) {
    const out = new Float64Array(buffer, oCoord, coordCount);
    for (let i = 0; i < coordCount; i++) out[i] = (pendingCoords[i] as number) / E7;
  } else new Float64Array(buffer, oCoord, coordCount).set(layer.coords);
  new Int32Array(buffer, oBucket, grid.bucket.length).set(grid.bucket);
  new Uint32Array(buffer, oLists, grid.lists.length).set(grid.lists);
  bytes.set(idBytes, oIds);
  view.setUint32(12, checksum(bytes), true);
  return bytes;
}

/**
 * Loads an index from `packGridIndex` bytes: header and checksum checks, then typed-array views.
 * Throws {@link PackedArtifactError} on anything it cannot trust.
 *
 * @example
 *   const index = loadGridIndex(joinArtifact(chunks));
 *   index.resolve(120.153, 30.274);
 */
export function loadGridIndex(input: Uint8Array): GridIndex {
  return load(input, true);
}

/**
 * Joins chunks and loads the index in one go. Every byte is covered by a chunk checksum already,
 * so the whole-artifact checksum is not computed a second time.
 *
 * @example
 *   const index = loadGridIndexFromChunks(items.map((it) => it.data));
 */
export function loadGridIndexFromChunks(chunks: readonly Uint8Array[]): GridIndex {
  return load(joinArtifact(chunks), false);
}

type Nine = [number, number, number, number, number, number, number, number, number];

function load(input: Uint8Array, verify: boolean): GridIndex {
  assertLittleEndian();
  if (input.byteLength < HEADER_BYTES)
    throw new PackedArtifactError(
      'truncated',
      `Packed index is ${input.byteLength} bytes, shorter than its header.`,
    );
  // Typed-array views need aligned offsets; copy only when the caller's bytes are misaligned.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC)
    throw new PackedArtifactError('bad_magic', 'Not a packed grid index (bad magic).');
  const version = view.getUint16(4, true);
  if (version !== PACKED_FORMAT_VERSION)
    throw new PackedArtifactError(
      'unsupported_version',
      `Packed grid index format ${version}, this code reads ${PACKED_FORMAT_VERSION}: rebuild the artifact.`,
    );
  const total = view.getUint32(8, true);
  if (total !== bytes.byteLength)
    throw new PackedArtifactError(
      'truncated',
      `Packed index says ${total} bytes but ${bytes.byteLength} were given.`,
    );
  if (verify) {
    const stored = view.getUint32(12, true);
    const actual = checksum(bytes);
    if (stored !== actual)
      throw new PackedArtifactError(
        'checksum_mismatch',
        `Packed grid index checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the artifact is corrupt.`,
      );
  }
  const encoding = view.getUint8(6);
  const count = view.getUint32(16, true);
  const parts = view.getUint32(20, true);
  const rings = view.getUint32(24, true);
  const vertices = view.getUint32(28, true);
  const nx = view.getUint32(32, true);
  const ny = view.getUint32(36, true);
  const listLength = view.getUint32(40, true);
  const idLength = view.getUint32(44, true);
  if (encoding !== COORD_F64 && encoding !== COORD_I32E7)
    throw new PackedArtifactError('malformed', `Unknown coordinate encoding ${encoding}.`);
  const sizes = [
    (count + 1) * 4,
    (parts + 1) * 4,
    (rings + 1) * 4,
    count * FEATURE_REC * 8,
    rings * RING_REC * 8,
    vertices * 2 * (encoding === COORD_I32E7 ? 4 : 8),
    nx * ny * 4,
    listLength * 4,
    idLength,
  ];
  const offsets: number[] = [];
  let at = HEADER_BYTES;
  for (const size of sizes) {
    offsets.push(at);
    at = align8(at + size);
  }
  if (at !== total)
    throw new PackedArtifactError('malformed', 'Packed index sections do not add up to its length.');
  const [oPart, oRing, oVert, oFeat, oRRec, oCoord, oBucket, oLists, oIds] = offsets as Nine;
  const base = bytes.byteOffset;
  const buffer = bytes.buffer;
  const featurePart = new Uint32Array(buffer, base + oPart, count + 1);
  const partRing = new Uint32Array(buffer, base + oRing, parts + 1);
  const ringVertex = new Uint32Array(buffer, base + oVert, rings + 1);
  if (featurePart[count] !== parts || partRing[parts] !== rings || ringVertex[rings] !== vertices)
    throw new PackedArtifactError('malformed', 'Packed index offsets are inconsistent.');
  const ids = count === 0 ? [] : new TextDecoder().decode(bytes.subarray(oIds, oIds + idLength)).split('\0');
  if (ids.length !== count)
    throw new PackedArtifactError('malformed', `Packed index has ${ids.length} ids for ${count} cells.`);
  const lazy = encoding === COORD_I32E7;
  const data: GridIndexData = {
    ids,
    layer: {
      count,
      featurePart,
      partRing,
      ringVertex,
      featureRec: new Float64Array(buffer, base + oFeat, count * FEATURE_REC),
      ringRec: new Float64Array(buffer, base + oRRec, rings * RING_REC),
      coords: lazy ? new Float64Array(vertices * 2) : new Float64Array(buffer, base + oCoord, vertices * 2),
    },
    grid: {
      minX: view.getFloat64(48, true),
      minY: view.getFloat64(56, true),
      maxX: view.getFloat64(64, true),
      maxY: view.getFloat64(72, true),
      nx,
      ny,
      bucket: new Int32Array(buffer, base + oBucket, nx * ny),
      lists: new Uint32Array(buffer, base + oLists, listLength),
    },
    ...(lazy ? { pendingCoords: new Int32Array(buffer, base + oCoord, vertices * 2) } : {}),
  };
  return new GridIndex(data);
}

/**
 * Splits an artifact into chunks of at most `maxChunkBytes` (header included), each carrying its
 * position, the whole artifact's checksum and its own checksum.
 *
 * @example
 *   splitArtifact(bytes).forEach((chunk, i) => putItem({ pk: 'INDEX#cells', sk: `CHUNK#${i}`, data: chunk }));
 */
export function splitArtifact(artifact: Uint8Array, maxChunkBytes: number = MAX_CHUNK_BYTES): Uint8Array[] {
  if (!(maxChunkBytes >= CHUNK_HEADER_BYTES + 8))
    throw new RangeError(`maxChunkBytes must be ≥ ${CHUNK_HEADER_BYTES + 8}`);
  if (artifact.byteLength < HEADER_BYTES) throw new RangeError('not a packed artifact');
  // Payloads are multiples of 4 so each chunk's words line up for the checksum.
  const payloadMax = (maxChunkBytes - CHUNK_HEADER_BYTES) & ~3;
  const count = Math.max(1, Math.ceil(artifact.byteLength / payloadMax));
  const artifactSum = new DataView(artifact.buffer, artifact.byteOffset, artifact.byteLength).getUint32(
    12,
    true,
  );
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const payload = artifact.subarray(i * payloadMax, Math.min(artifact.byteLength, (i + 1) * payloadMax));
    const chunk = new Uint8Array(CHUNK_HEADER_BYTES + align4(payload.byteLength));
    const view = new DataView(chunk.buffer);
    view.setUint32(0, CHUNK_MAGIC, true);
    view.setUint16(4, PACKED_FORMAT_VERSION, true);
    view.setUint32(8, artifactSum, true);
    view.setUint32(12, artifact.byteLength, true);
    view.setUint32(16, i, true);
    view.setUint32(20, count, true);
    view.setUint32(24, payload.byteLength, true);
    chunk.set(payload, CHUNK_HEADER_BYTES);
    view.setUint32(28, checksum(chunk, 28), true);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Reassembles chunks (in any order) into the artifact, rejecting a corrupt, missing, duplicated
 * or foreign chunk with a {@link PackedArtifactError}. `loadGridIndex` then checks the whole.
 *
 * @example
 *   const index = loadGridIndex(joinArtifact(items.map((it) => it.data)));
 */
export function joinArtifact(chunks: readonly Uint8Array[]): Uint8Array {
  assertLittleEndian();
  if (chunks.length === 0) throw new PackedArtifactError('chunk_missing', 'No chunks to join.');
  let expected: { sum: number; length: number; count: number } | undefined;
  const slots: (Uint8Array | undefined)[] = [];
  chunks.forEach((input, position) => {
    const where = `chunk #${position}`;
    if (input.byteLength < CHUNK_HEADER_BYTES || input.byteLength % 4 !== 0)
      throw new PackedArtifactError('truncated', `${where} is ${input.byteLength} bytes: truncated.`);
    const chunk = input.byteOffset % 4 === 0 ? input : input.slice();
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (view.getUint32(0, true) !== CHUNK_MAGIC)
      throw new PackedArtifactError('bad_magic', `${where} is not an artifact chunk.`);
    const version = view.getUint16(4, true);
    if (version !== PACKED_FORMAT_VERSION)
      throw new PackedArtifactError(
        'unsupported_version',
        `${where} has format ${version}, expected ${PACKED_FORMAT_VERSION}.`,
      );
    if (view.getUint32(28, true) !== checksum(chunk, 28))
      throw new PackedArtifactError('checksum_mismatch', `${where} is corrupt (chunk checksum mismatch).`);
    const meta = {
      sum: view.getUint32(8, true),
      length: view.getUint32(12, true),
      count: view.getUint32(20, true),
    };
    const index = view.getUint32(16, true);
    const payloadLength = view.getUint32(24, true);
    expected ??= meta;
    if (meta.sum !== expected.sum || meta.length !== expected.length || meta.count !== expected.count)
      throw new PackedArtifactError(
        'chunk_mismatch',
        `${where} belongs to another artifact (checksum ${hex(meta.sum)}, expected ${hex(expected.sum)}).`,
      );
    if (index >= meta.count || payloadLength > chunk.byteLength - CHUNK_HEADER_BYTES)
      throw new PackedArtifactError('malformed', `${where} has an impossible index or length.`);
    if (slots[index] !== undefined)
      throw new PackedArtifactError('chunk_mismatch', `Chunk ${index} appears twice.`);
    slots[index] = chunk.subarray(CHUNK_HEADER_BYTES, CHUNK_HEADER_BYTES + payloadLength);
  });
  const meta = expected as { sum: number; length: number; count: number };
  const out = new Uint8Array(meta.length);
  let at = 0;
  for (let i = 0; i < meta.count; i++) {
    const payload = slots[i];
    if (payload === undefined)
      throw new PackedArtifactError('chunk_missing', `Chunk ${i} of ${meta.count} is missing.`);
    if (at + payload.byteLength > out.byteLength)
      throw new PackedArtifactError('malformed', 'Chunks are longer than the artifact.');
    out.set(payload, at);
    at += payload.byteLength;
  }
  if (at !== meta.length)
    throw new PackedArtifactError('truncated', `Chunks hold ${at} of ${meta.length} bytes.`);
  return out;
}

/**
 * FNV-1a over little-endian 32-bit words in four interleaved lanes (word i feeds lane i mod 4,
 * which breaks the multiply chain and runs ~3× faster), skipping the word at byte `skip` where
 * the checksum itself is stored; the lanes are then folded with the same step. Every step is a
 * bijection of the running hash and of the word, so any single corrupted word always changes the
 * result. A corruption check, not a signature.
 */
function checksum(bytes: Uint8Array, skip = 12): number {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  const skipWord = skip >>> 2;
  const saved = words[skipWord] as number;
  // Zero the checksum word while hashing instead of testing every index; restored below.
  words[skipWord] = 0;
  const P = 0x01000193;
  let h0 = 0x811c9dc5;
  let h1 = 0x811c9dc5 ^ 1;
  let h2 = 0x811c9dc5 ^ 2;
  let h3 = 0x811c9dc5 ^ 3;
  const n = words.length;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    h0 = Math.imul(h0 ^ (words[i] as number), P);
    h1 = Math.imul(h1 ^ (words[i + 1] as number), P);
    h2 = Math.imul(h2 ^ (words[i + 2] as number), P);
    h3 = Math.imul(h3 ^ (words[i + 3] as number), P);
  }
  for (let i = n4; i < n; i++) h0 = Math.imul(h0 ^ (words[i] as number), P);
  words[skipWord] = saved;
  let h = Math.imul(0x811c9dc5 ^ h0, P);
  h = Math.imul(h ^ h1, P);
  h = Math.imul(h ^ h2, P);
  h = Math.imul(h ^ h3, P);
  return Math.imul(h ^ n, P) >>> 0;
}

function roundTripsAtE7(coords: Float64Array): boolean {
  for (let i = 0; i < coords.length; i++) {
    const v = coords[i] as number;
    const k = Math.round(v * E7);
    if (k / E7 !== v || k > 0x7fffffff || k < -0x80000000) return false;
  }
  return true;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new PackedArtifactError(
      'malformed',
      'Packed grid indexes are little-endian; this platform is not.',
    );
}
