/** The jobs' names and the Lambda's reading of its event (no database: a bad event fails first). */
import { JOB_KINDS, JOB_NAMES, JOB_SCHEDULES, jobKindOf } from '@gridpatrol/functions';
import { handler } from '@gridpatrol/functions/jobs/handler';
import { describe, expect, it } from 'vitest';

describe('jobs', () => {
  it('are named by kind or by operator name', () => {
    expect(JOB_NAMES).toEqual(['overdue', 'revisits']);
    expect(jobKindOf('overdue')).toBe('deadline');
    expect(jobKindOf('revisit')).toBe('revisit');
    expect(jobKindOf('sweep')).toBeUndefined();
    for (const kind of JOB_KINDS) expect(JOB_SCHEDULES[kind].everyMinutes).toBeGreaterThan(0);
  });

  it('fail an event that names no job, before reading anything', async () => {
    await expect(handler({ source: 'aws.events' })).rejects.toThrow(/No job kind/);
    await expect(handler(null)).rejects.toThrow(/No job kind/);
  });
});
