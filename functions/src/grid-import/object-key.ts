/**
 * Where an API grid import's body waits for its job: an object under `grid-imports/` in the exports
 * bucket (docs/decisions/0021-async-grid-imports.md). Its creation is what starts the job (an S3
 * event notification in AWS, filtered on this prefix; the local object store's `created` event
 * locally). Pure, so that the CDK app can read the prefix.
 */

export const GRID_IMPORTS_PREFIX = 'grid-imports/';

/**
 * The object key of version `version`'s body; the nonce keeps a key from ever being reused.
 *
 * @example importObjectKey(4, '0b5c…-uuid') // 'grid-imports/000004-0b5c…-uuid.json'
 */
export const importObjectKey = (version: number, nonce: string): string =>
  `${GRID_IMPORTS_PREFIX}${String(version).padStart(6, '0')}-${nonce}.json`;

/** The version an import object belongs to, or undefined for any other key. */
export function versionOfImportKey(key: string): number | undefined {
  const m = /^grid-imports\/(\d{6})-[0-9a-f-]{36}\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
