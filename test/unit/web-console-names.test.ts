/** The queue's cell and zone filters by name: the choices in pinyin order, a typed name back to its id. */

import { chosenId, nameChoices } from '@gridpatrol/web/app/console/queue-view';
import { describe, expect, it } from 'vitest';

describe('nameChoices', () => {
  it('orders by name in the zh-CN collation (pinyin), not by id nor by code point', () => {
    const names = new Map([
      ['C-0001', '西湖村'],
      ['C-0002', '安乐社区'],
      ['C-0003', '东一村'],
      ['C-0004', '北门街'],
    ]);
    // By code point 东 (U+4E1C) would come before 北 (U+5317) and 安 (U+5B89).
    expect(nameChoices(names).map((c) => c.label)).toEqual(['安乐社区', '北门街', '东一村', '西湖村']);
  });

  it('counts numbers in names as numbers: 第2 before 第10', () => {
    const zones = new Map([
      ['Z-010', '东所 第10责任区'],
      ['Z-002', '东所 第2责任区'],
    ]);
    expect(nameChoices(zones).map((c) => c.id)).toEqual(['Z-002', 'Z-010']);
  });

  it('gives a name two cells share the id, so every label names exactly one, ties by id', () => {
    const names = new Map([
      ['C-0009', '东一村'],
      ['C-0002', '东一村'],
      ['C-0005', '安乐社区'],
    ]);
    expect(nameChoices(names)).toEqual([
      { id: 'C-0005', label: '安乐社区' },
      { id: 'C-0002', label: '东一村（C-0002）' },
      { id: 'C-0009', label: '东一村（C-0009）' },
    ]);
  });

  it('offers nothing when the person reads no cells', () => {
    expect(nameChoices(new Map())).toEqual([]);
  });
});

describe('chosenId', () => {
  const choices = nameChoices(
    new Map([
      ['C-0002', '东一村'],
      ['C-0009', '东一村'],
      ['C-0005', '安乐社区'],
    ]),
  );

  it('reads an empty field as every cell', () => {
    expect(chosenId('  ', choices)).toEqual({});
  });

  it('reads a picked label, or an id typed by whoever knows it, as that id', () => {
    expect(chosenId(' 安乐社区 ', choices)).toEqual({ id: 'C-0005' });
    expect(chosenId('东一村（C-0009）', choices)).toEqual({ id: 'C-0009' });
    expect(chosenId('C-0002', choices)).toEqual({ id: 'C-0002' });
  });

  it('never guesses: part of a name, or a name two cells share, is unknown', () => {
    expect(chosenId('安乐', choices)).toEqual({ unknown: '安乐' });
    expect(chosenId('东一村', choices)).toEqual({ unknown: '东一村' });
  });
});
