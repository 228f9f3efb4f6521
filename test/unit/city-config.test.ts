import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availableCities, readCityConfig } from '@gridpatrol/cities';
import { parseCityConfig } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

const demoFile = path.resolve(__dirname, '../../packages/cities/configs/demo.json');
const demo = () => JSON.parse(readFileSync(demoFile, 'utf8'));

describe('city config', () => {
  it('every city file in packages/cities/configs is valid', () => {
    expect(availableCities()).toEqual(expect.arrayContaining(['demo', 'riverside']));
    for (const name of availableCities()) expect(readCityConfig(name).name).toBe(name);
  });

  it('fills the documented defaults', () => {
    const c = readCityConfig('riverside');
    expect(c.grid).toMatchObject({
      maxVerticesPerFeature: 20_000,
      maxRepairAreaChange: 0.01,
      sliverShare: 0.01,
      snapToleranceM: 50,
    });
    expect(c.findings.duplicateDistanceM).toBe(30);
    // The stack's options are off unless a city turns them on (infra/, decisions 0039–0041).
    expect(c.deployment).toEqual({
      alarmEmails: [],
      threatProtection: 'off',
      edge: { enabled: false, rateLimitPer5Minutes: 1000 },
    });
  });

  it.each([
    ['timeZone', { timeZone: 'Asia/Nowhere' }, 'timeZone'],
    ['bbox order', { bbox: [120.3, 30.1, 120.0, 30.4] }, 'bbox'],
    ['bbox range', { bbox: [120, 30, 190, 31] }, 'bbox[2]'],
    ['office id', { offices: [{ id: 'a b', name: 'x' }] }, 'offices[0].id'],
    ['cell id pattern', { grid: { cellIdPattern: '([' } }, 'grid.cellIdPattern'],
    ['no categories', { findingCategories: [] }, 'findingCategories'],
    ['alarm e-mail', { deployment: { alarmEmails: ['duty at bureau'] } }, 'deployment.alarmEmails[0]'],
    ['threat protection', { deployment: { threatProtection: 'strict' } }, 'deployment.threatProtection'],
    [
      'edge rate',
      { deployment: { edge: { enabled: true, rateLimitPer5Minutes: 5 } } },
      'deployment.edge.rateLimitPer5Minutes',
    ],
    ['backup region', { deployment: { backupCopyRegion: 'Beijing' } }, 'deployment.backupCopyRegion'],
  ])('refuses a bad %s, naming the field', (_label, patch, fieldPath) => {
    expect(() => parseCityConfig({ ...demo(), ...patch }, 'demo.json')).toThrow(
      expect.objectContaining({
        details: expect.arrayContaining([expect.objectContaining({ path: fieldPath })]),
      }),
    );
  });

  it('refuses duplicate office ids', () => {
    const c = demo();
    c.offices.push({ ...c.offices[0] });
    expect(() => parseCityConfig(c)).toThrow(/offices\[3\]\.id: duplicate id 'office-east'/);
  });

  it('takes base map tiles with their coordinate system, and names what is wrong with a bad one', () => {
    const amap = {
      url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&style=8&x={x}&y={y}&z={z}',
      attribution: '© 高德地图 AMap',
      coordSys: 'gcj02',
      subdomains: '1234',
    };
    expect(parseCityConfig({ ...demo(), tiles: amap }).tiles).toEqual(amap);
    expect(readCityConfig('demo').tiles).toBeUndefined();
    expect(() =>
      parseCityConfig({ ...demo(), tiles: { ...amap, url: 'http://tiles.example.org/{z}/{x}/{y}' } }),
    ).toThrow(/tiles\.url: an https URL template/);
    expect(() =>
      parseCityConfig({ ...demo(), tiles: { ...amap, url: 'https://tiles.example.org/{z}/{x}' } }),
    ).toThrow(/tiles\.url: must contain \{z\}, \{x\} and \{y\}/);
    expect(() => parseCityConfig({ ...demo(), tiles: { ...amap, coordSys: 'bd09' } })).toThrow(
      /tiles\.coordSys/,
    );
  });

  it('names an unknown city and lists the known ones', () => {
    expect(() => readCityConfig('atlantis')).toThrow(/Unknown city 'atlantis'. Available: .*demo/);
    expect(() => readCityConfig('../etc/passwd')).toThrow(/Unknown city/);
  });
});
