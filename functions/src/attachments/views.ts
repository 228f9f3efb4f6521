/**
 * Photos as answered: what the checker found, and the flags of time and place (core `photoFlags`)
 * against the step that referenced each one: a finding's point, a task's cell.
 */
import {
  type Attachment,
  AttachmentId,
  type ExportFinding,
  type Finding,
  type PatrolTask,
  PHOTO_FLAGS,
  type PhotoFlag,
  type PhotoPlace,
  photoFlags,
} from '@gridpatrol/core';
import { getAttachments } from '@gridpatrol/store';
import { requireTopology } from '../grid-cache';
import { cityConfig } from '../runtime';
import { cellOf } from '../tasks/access';

/** An attachment as answered; flags only once a step referenced it (their time is that step's). */
export function attachmentView(a: Attachment, flags?: readonly PhotoFlag[]) {
  const { requestHash: _hash, objectKey: _key, uploaderId, owner, ...rest } = a;
  return { ...rest, uploaderId, owner, ...(flags ? { flags: [...flags] } : {}) };
}
export type AttachmentView = ReturnType<typeof attachmentView>;

/** Flags of a referenced, verified photo; a pending one has no EXIF read yet, a rejected none. */
const flagsOf = (a: Attachment, place: PhotoPlace): PhotoFlag[] | undefined => {
  if (a.status !== 'verified' || a.referencedAt === undefined) return undefined;
  const config = cityConfig();
  return photoFlags(a.exif, place, a.referencedAt, config.photos, config.timeZone);
};

/** The ids of a list that are attachments: records from before issue 14 hold object keys. */
const attachmentIds = (photos: readonly string[]) => photos.filter((p) => AttachmentId.safeParse(p).success);

/** A finding's photos (the report's and every action's) with their flags against its point. */
export async function findingPhotos(f: Pick<Finding, 'photos' | 'lon' | 'lat'>): Promise<AttachmentView[]> {
  const ids = attachmentIds(f.photos);
  if (ids.length === 0) return [];
  const found = await getAttachments(ids);
  const place: PhotoPlace = { point: [f.lon, f.lat] };
  return ids.flatMap((id) => {
    const a = found.get(id);
    return a ? [attachmentView(a, flagsOf(a, place))] : [];
  });
}

/** A task's photos (its completion's) with their flags against its cell in the active grid. */
export async function taskPhotos(task: Pick<PatrolTask, 'cellId' | 'completion'>): Promise<AttachmentView[]> {
  const ids = attachmentIds(task.completion?.photos ?? []);
  if (ids.length === 0) return [];
  const [found, topology] = await Promise.all([getAttachments(ids), requireTopology()]);
  const cell = await cellOf(topology.version, task.cellId);
  return ids.flatMap((id) => {
    const a = found.get(id);
    if (!a) return [];
    return [attachmentView(a, cell ? flagsOf(a, { cell: cell.geometry }) : undefined)];
  });
}

/**
 * Export pages with each finding's photo flags added (findings.csv's `photoFlags`): the flags any
 * of its photos carries, read with one BatchGet per 100 photos of a page.
 */
export async function* withPhotoFlags(
  pages: AsyncIterable<ExportFinding[]>,
): AsyncGenerator<ExportFinding[]> {
  for await (const page of pages) {
    const ids = page.flatMap((f) => attachmentIds(f.photos));
    if (ids.length === 0) {
      yield page;
      continue;
    }
    const found = await getAttachments(ids);
    yield page.map((f) => {
      const flags = new Set<PhotoFlag>();
      for (const id of attachmentIds(f.photos)) {
        const a = found.get(id);
        for (const flag of (a && flagsOf(a, { point: [f.lon, f.lat] })) ?? []) flags.add(flag);
      }
      return flags.size > 0 ? { ...f, photoFlags: PHOTO_FLAGS.filter((flag) => flags.has(flag)) } : f;
    });
  }
}
