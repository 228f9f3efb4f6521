/**
 * CSV injection (issue 21.8): text people typed must never reach a spreadsheet as a formula. The
 * guard itself (core `csvField`) against the disguises the attack run used, and the whole path: a
 * report whose name is a disguised formula, exported as findings.csv by the real local server.
 */
import { csvField } from '@gridpatrol/core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBody } from '../support/findings';
import { startTestApi, type TestApi } from '../support/local-api';
import { pointInCell } from '../support/points';

const DISGUISED = [
  '|cmd /c calc',
  '\u0000=1+1',
  '\u0001\u0002@SUM(A1)',
  '\u200b=HYPERLINK("http://x")',
  ' =1+1',
  '\u3000+1',
  '＝1+1',
  '＋86 138',
  '－3',
  '＠SUM(A1)',
  '｜cmd',
  '﹦1',
  '\t=1',
  '\r=1',
  '\n=1',
];

describe('csvField', () => {
  it('gives every disguised formula a leading apostrophe, keeping the text', () => {
    for (const text of DISGUISED) {
      const field = csvField(text);
      const [row] = parse(`${field}\r\n`, { record_delimiter: '\r\n', relax_quotes: true }) as string[][];
      expect(row?.[0], JSON.stringify(text)).toBe(`'${text}`);
    }
  });

  it('leaves ordinary text alone, with signs inside it', () => {
    for (const text of ['张三小吃店', 'a=b', 'A|B', '１=1', 'x＝1', '3-5 号'])
      expect(csvField(text), text).toBe(text);
  });
});

describe('GET /exports/findings.csv', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('demo');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('exports disguised formulas typed into a report as text, without their control characters', async () => {
    const cell = (await api.call('GET', '/me', { as: 'worker-liu' })).body.cells[0];
    const point = await pointInCell((p) => api.call('GET', p, { as: 'admin' }).then((r) => r.body), cell);
    if (!point) throw new Error(`no point in ${cell}`);
    const names = ['\u0000=cmd|"/c calc"!A1', '｜cmd', '＝HYPERLINK("http://x")'];
    for (const [i, name] of names.entries()) {
      const res = await api.call('POST', '/findings', {
        as: 'worker-liu',
        body: { ...reportBody(point, name), address: `\u0007@地址 ${i}` },
        headers: { 'idempotency-key': `csv-injection-${i}-${Date.now()}` },
      });
      expect(res.status, name).toBe(201);
    }
    // fetch follows the 303 See Other to the file itself.
    const out = await api.call('GET', `/exports/findings.csv?scope=cell:${cell}&form=data`, {
      as: 'worker-liu',
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toMatch(/^text\/csv/);
    const file = out.text;
    const rows = parse(file, { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.businessName).sort()).toEqual(
      [`'=cmd|"/c calc"!A1`, "'｜cmd", `'＝HYPERLINK("http://x")`].sort(),
    );
    expect(rows.map((r) => r.address).sort()).toEqual(["'@地址 0", "'@地址 1", "'@地址 2"]);
    const controls = [...file].filter((c) => c.charCodeAt(0) < 0x20 && !'\t\r\n'.includes(c));
    expect(controls).toEqual([]);
  });
});
