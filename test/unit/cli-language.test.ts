/**
 * Issue 16: the `gridpatrol` command speaks the reader's language: `--lang`, else LC_ALL or LANG,
 * else the city's. Its words come from the API's catalogue; English stays as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summariseProblems } from '@gridpatrol/core';
import { cliLanguage, speaker } from '@gridpatrol/local/cli-language';
import { formatImportReport } from '@gridpatrol/local/import-report';
import { formatJobCounts } from '@gridpatrol/local/jobs-timer';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { squareLayer } from '../support/grid-imports';

const ENGLISH_PHRASE = /[A-Za-z]{4,} [A-Za-z]{3,}/;

describe('the command’s language', () => {
  it('takes --lang, else LC_ALL, else LANG, else the city’s', () => {
    expect(cliLanguage('zh', { LANG: 'en_US.UTF-8' }, 'en')).toBe('zh-CN');
    expect(cliLanguage(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'en')).toBe('zh-CN');
    expect(cliLanguage(undefined, { LC_ALL: '', LANG: 'en_GB.UTF-8' }, 'zh-CN')).toBe('en');
    expect(cliLanguage(undefined, { LANG: 'C.UTF-8' }, 'zh-CN')).toBe('zh-CN');
    expect(cliLanguage(undefined, {}, 'en')).toBe('en');
    expect(() => cliLanguage('fr', {}, 'zh-CN')).toThrow(/--lang 'fr'/);
  });

  it('words a job’s summary in Chinese, and keeps the English line', () => {
    const counts = { scanned: 3, changed: 1, conflicts: 0 };
    expect(formatJobCounts('overdue', counts)).toBe('overdue: scanned 3, changed 1, conflicts 0');
    expect(formatJobCounts('overdue', counts, speaker('zh-CN'))).toBe(
      'overdue：检查 3 项，变更 1 项，冲突 0 项',
    );
    expect(formatJobCounts('draft-plans', counts, speaker('zh-CN'))).toBe(
      'draft-plans：市场监管所 3 个，已编排 1 个，跳过 2 个',
    );
  });

  it('words an import report in Chinese, each problem by its code and feature', () => {
    const summary = summariseProblems([
      {
        severity: 'error',
        code: 'missing_id',
        layer: 'cells',
        featureIndex: 0,
        featureName: '无编号网格',
        path: 'cells.features[0].properties.id',
        message: 'the feature has no id (properties.id)',
      },
    ]);
    const zh = formatImportReport(summary, {}, speaker('zh-CN'));
    expect(zh).toEqual([
      '共 1 处错误，逐条列出：',
      '  cells.features[0].properties.id: ［missing_id］网格图层第 0 个要素（名称 "无编号网格"）：要素没有编号（properties.id）',
    ]);
    expect(formatImportReport(summary)).toEqual([
      '1 error, every one listed:',
      '  cells.features[0].properties.id: [missing_id] cells feature 0 (name "无编号网格"): the feature has no id (properties.id)',
    ]);
  });
});

describe('gridpatrol grid import, refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridpatrol-lang-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const layer = squareLayer;
  const cells = path.join(dir, 'cells.json');
  const zones = path.join(dir, 'zones.json');
  writeFileSync(cells, JSON.stringify(layer({ name: '无编号网格' })));
  writeFileSync(zones, JSON.stringify(layer({ id: 'Z-1', name: '责任区', office: 'office-east' })));
  const gridImport = (flags: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['grid', 'import', '--cells', cells, '--zones', zones, ...flags], dir, env);

  it('speaks Chinese with --lang zh or a Chinese LANG, and nothing is written (exit 2)', () => {
    for (const out of [gridImport(['--lang', 'zh']), gridImport([], { LANG: 'zh_CN.UTF-8' })]) {
      expect(out.status, out.stderr).toBe(2);
      expect(out.stderr).toContain('导入被拒绝：共 1 处错误');
      expect(out.stderr).toContain('［missing_id］网格图层第 0 个要素');
      expect(out.stderr.split('\n').filter((l) => ENGLISH_PHRASE.test(l))).toEqual([]);
    }
  });

  it('speaks English with --lang en', () => {
    const out = gridImport(['--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(
      'The import was refused: 1 error, each listed in details. Nothing was written.',
    );
  });
});
