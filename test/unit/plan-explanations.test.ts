/**
 * Plan explanations as sentences (issue 16.3): from what a task records (its risk components and
 * pair reasons) and the plan's seed, in either language, with each reason's code beside its words.
 */
import { explainTask, type PairReason, render } from '@gridpatrol/core';
import { describe, expect, it } from 'vitest';

const task = (pair: PairReason[], counts: Partial<Record<string, [number, number]>> = {}) => {
  const part = (name: string) => {
    const [count, points] = counts[name] ?? [0, 0];
    return { count, points };
  };
  const components = {
    open: part('open'),
    overdue: part('overdue'),
    recent: part('recent'),
    reopened: part('reopened'),
    staleness: part('staleness'),
    manualPriority: part('manualPriority'),
  };
  const score = Object.values(components).reduce((s, c) => s + c.points, 0);
  return {
    cellId: 'C-0007',
    date: '2026-12-07',
    shift: 'am',
    officerId: 'officer-li',
    partnerId: 'worker-liu',
    reasons: { risk: { score, components }, pair },
  };
};
const ZH = { language: 'zh-CN' } as const;
const EN = { language: 'en' } as const;

describe('explainTask', () => {
  const busy = task(['primary_zone', 'rotated', 'drawn'], {
    open: [2, 2],
    overdue: [1, 3],
    staleness: [14, 0.7],
  });

  it('says in Chinese why this cell, day and pair, with the numbers and the codes', () => {
    const text = render(explainTask(busy, { seed: 20261207 }), ZH);
    expect(text).toBe(
      '2026-12-07 上午，officer-li 与 worker-liu 联合巡查网格 C-0007。' +
        '选此网格：风险分 5.7，来自未办结线索 2 条 +2［open］；逾期线索 1 条 +3［overdue］；距上次联合巡查 14 天 +0.7［staleness］。' +
        '人员安排：网格主要属于该干部的责任区［primary_zone］；轮换：上周由其他干部巡查此网格（或无人巡查）［rotated］；' +
        '双随机抽取：在同样合适的人选中，以本计划的随机种子 20261207 抽中［drawn］。' +
        '与该网格有利害关系、须回避的人员，一律不安排巡查此网格。',
    );
  });

  it('says the same in English', () => {
    const text = render(explainTask(busy), EN);
    expect(text).toContain('2026-12-07 morning: officer-li with worker-liu in cell C-0007.');
    expect(text).toContain(
      'risk score 5.7 from open findings: 2, +2 [open]; overdue findings: 1, +3 [overdue]',
    );
    expect(text).toContain('random draw (双随机) among equally good choices [drawn]');
    expect(text).toContain('(回避)');
  });

  it('calls a cell with nothing weighing on it a routine patrol, and names a same-officer repeat', () => {
    const quiet = render(explainTask(task(['repeat_no_alternative'])), ZH);
    expect(quiet).toContain('常规巡查');
    expect(quiet).toContain('［repeat_no_alternative］');
    expect(render(explainTask({ ...task([]), shift: 'night' }), EN)).toMatch(
      /^2026-12-07 night: .*no particular reason recorded/,
    );
  });
});
