/** Runs the `gridpatrol` command as an operator would, with its data folder in `dataDir`. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export function runCli(args: string[], dataDir: string) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/local/bin/gridpatrol.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, GRIDPATROL_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
}
