/**
 * The README, followed to the end (issue 16): every `sh` block, in order, in one bash session at the
 * repository root, against a fresh local server of its own (its own table, port, data dir and token
 * key) whose clock is on the README's Monday (`--clock`), so its dates hold on any day. A command
 * that exits non-zero, or a curl answered with a status other than the one its line names
 * (`# → 409`; by default below 400), fails the test. Blocks marked `no-run` (install, start a
 * server, run suites or benchmarks, AWS) are not run; they may hold only such commands.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devKey } from '@gridpatrol/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/local-api';

const REPO = path.resolve(import.meta.dirname, '../..');
const README_CLOCK = '2026-12-07T09:00+08:00';
const README_URL = 'http://127.0.0.1:3000';

interface Block {
  readonly line: number;
  readonly info: string;
  readonly body: string;
}

function readmeBlocks(): Block[] {
  const text = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const out: Block[] = [];
  for (const m of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm))
    out.push({ line: text.slice(0, m.index).split('\n').length, info: m[1]?.trim() ?? '', body: m[2] ?? '' });
  return out;
}

/**
 * A block as bash runs it: each curl command whose line names a status (`# → 409`) expects it.
 * Continued lines (`\`) are one command.
 */
function scriptOf(block: Block): string {
  const commands: string[][] = [];
  let current: string[] = [];
  for (const line of block.body.split('\n')) {
    current.push(line);
    if (!line.endsWith('\\')) {
      commands.push(current);
      current = [];
    }
  }
  return commands
    .map((lines) => {
      const want = /^\s*curl\b.*#\s*→\s*(\d{3})\b/.exec(lines.join(' '))?.[1];
      const text = lines.join('\n');
      return want ? `README_EXPECT=${want} ${text.trimStart()}` : text;
    })
    .join('\n');
}

/** Runs `npx gridpatrol` in this process's checkout, and checks every curl's status. */
const PRELUDE = `
set -euo pipefail
README_EXPECT=
npx() {
  if [ "$1" = gridpatrol ]; then shift; node "$README_REPO/packages/local/bin/gridpatrol.js" "$@";
  else command npx "$@"; fi
}
curl() {
  local headers status
  headers=$(mktemp)
  command curl -sS -D "$headers" "$@" || { echo "README: curl failed: curl $*" >&2; return 1; }
  status=$(grep -E '^HTTP/' "$headers" | tail -1 | awk '{print $2}')
  rm -f "$headers"
  if [ -n "$README_EXPECT" ]; then
    [ "$status" = "$README_EXPECT" ] || { echo "README: expected $README_EXPECT, got $status: curl $*" >&2; return 1; }
  elif [ "$status" -ge 400 ]; then
    echo "README: HTTP $status: curl $*" >&2; return 1
  fi
}
`;

/** Bash in a child process, asynchronously: the server under test runs in this process. */
function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: REPO, env, timeout: 110_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the README’s blocks', () => {
  const blocks = readmeBlocks().filter((b) => /^(sh|bash|shell)\b/.test(b.info));

  it('are either run or no-run, and no-run only for installs, servers, suites, benchmarks and AWS', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) {
      expect(['sh', 'sh no-run'], `README.md:${b.line}`).toContain(b.info);
      if (b.info !== 'sh no-run') continue;
      const commands = b.body
        .replace(/\\\n/g, ' ')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
      for (const c of commands)
        expect(c, `README.md:${b.line}`).toMatch(
          /^(npm (install|start|test|run)\b|npx cdk\b|aws |npx gridpatrol people cognito-command\b)/,
        );
    }
  });

  describe('run in order against a fresh server', () => {
    let api: TestApi;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-readme-'));
      api = await startTestApi('demo', {
        clockOffsetMs: Date.parse(README_CLOCK) - Date.now(),
        tokenKey: devKey(dataDir),
      });
    }, 120_000);
    afterAll(async () => {
      await api?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('exits 0 with every status as written', async () => {
      const script = [PRELUDE, ...blocks.filter((b) => b.info === 'sh').map(scriptOf)]
        .join('\n')
        .replaceAll(README_URL, api.url);
      const run = await runBash(script, {
        ...process.env,
        README_REPO: REPO,
        GRIDPATROL_DATA_DIR: dataDir,
        GRIDPATROL_TABLE: api.tableName,
      });
      expect(run.status, `${run.stderr}\n${run.stdout.slice(-3000)}`).toBe(0);
    }, 120_000);
  });
});
