/**
 * Exports for a bureau's spreadsheet (issue 16.4): the CSV's sheet form has headers in the reader's
 * language, in ledger order, codes as words, the city's names for ids and times local with the
 * offset; the BOM, CRLF and the formula guard stay. Pure: the writers over fixture findings/tasks.
 */
import { CSV_BOM, findingsCsv, type SheetContext, tasksCsv } from '@gridpatrol/core';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { publishedTask } from '../support/tasks';
import { config, findingIn, newFinding } from './findings-fixtures';

const sheet = (language: 'zh-CN' | 'en'): SheetContext => ({
  language,
  timeZone: 'Asia/Shanghai',
  names: config,
});
const rowsOf = (text: string): Record<string, string>[] =>
  parse(text, { bom: true, columns: true, record_delimiter: '\r\n' });

describe('findings.csv as a sheet', () => {
  const rectifying = findingIn('rectifying').finding;
  const findings = [
    { ...newFinding({ id: 'F-1' }), businessName: '=HYPERLINK("http://x")' },
    { ...rectifying, id: 'F-2' },
    { ...findingIn('rejected').finding, id: 'F-3' },
  ];
  const write = (language: 'zh-CN' | 'en') => {
    const w = findingsCsv('Asia/Shanghai', sheet(language));
    return w.start() + w.rows(findings) + w.end();
  };

  it('heads the columns in Chinese, in the order of a bureau’s ledger, behind a BOM, lines ending CRLF', () => {
    const text = write('zh-CN');
    expect(
      text.startsWith(`${CSV_BOM}编号,上报时间,商户名称,地址,网格,责任区,状态,期限,是否逾期,类别,经营类型,`),
    ).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes states, kinds and roles as words, ids by the city’s names, times in the city with the offset', () => {
    const rows = rowsOf(write('zh-CN'));
    const [first, second, third] = rows;
    expect(first).toMatchObject({
      编号: 'F-1',
      上报时间: '2025-03-01 10:00:00+08:00', // reported 02:00 UTC
      状态: '待核实',
      类别: '无照',
      经营类型: '餐饮',
      上报人角色: '网格员',
      是否逾期: '否',
      期限: '',
    });
    expect(second?.状态).toBe('限期整改中');
    expect(second?.期限).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00$/);
    expect(third).toMatchObject({
      状态: '已驳回',
      驳回原因: expect.stringMatching(/现场未发现|重复线索|已有营业执照/),
    });
    expect(Object.values(first ?? {}).join()).not.toMatch(/\d\d:\d\d:\d\d(\.\d+)?Z/);
  });

  it('still guards text that a spreadsheet would run as a formula', () => {
    expect(rowsOf(write('zh-CN'))[0]?.商户名称).toBe(`'=HYPERLINK("http://x")`);
  });

  it('reads in English when asked', () => {
    const [row] = rowsOf(write('en'));
    expect(Object.keys(row ?? {}).slice(0, 8)).toEqual([
      'No.',
      'Reported at',
      'Business name',
      'Address',
      'Grid cell',
      'Zone',
      'Status',
      'Deadline',
    ]);
    expect(row).toMatchObject({ Status: 'reported', Kind: 'unlicensed', 'Reporter role': 'grid worker' });
  });

  it('keeps the machine columns in the data form', () => {
    const w = findingsCsv('Asia/Shanghai');
    expect(w.start().startsWith(`${CSV_BOM}id,status,kind,businessName,`)).toBe(true);
  });
});

describe('tasks.csv as a sheet', () => {
  it('gives the shift, its times local and the state in words', () => {
    const task = publishedTask({
      planId: 'P-sheet001',
      cellId: 'C-1',
      zoneId: 'Z-1',
      officeId: 'east',
      officerId: 'li',
      partnerId: 'chen',
      date: '2026-12-07',
      shift: 'am',
      shiftStart: '2026-12-07T00:30:00.000Z',
      shiftEnd: '2026-12-07T04:00:00.000Z',
    });
    const w = tasksCsv(sheet('zh-CN'));
    const [row] = rowsOf(w.start() + w.rows([task]) + w.end());
    expect(row).toMatchObject({
      编号: task.id,
      日期: '2026-12-07',
      班次: '上午',
      开始时间: '2026-12-07 08:30:00+08:00',
      结束时间: '2026-12-07 12:00:00+08:00',
      状态: '待巡查',
      联合巡查: '',
      市场监管所: '东区市场监管所',
    });
  });
});
