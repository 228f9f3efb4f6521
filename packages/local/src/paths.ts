import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so that commands work from any directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Git-ignored local state: DynamoDB Local's files and the dev token key. */
export const DATA_DIR = process.env.GRIDPATROL_DATA_DIR ?? path.join(REPO_ROOT, '.data');
