/** The jobs' names and schedules, and the Lambda's reading of its event (no database: a bad event fails first). */
import { JOB_NAMES, JOB_SCHEDULES, JOBS, jobNameOf, rateExpression } from '@gridpatrol/functions';
import { handler } from '@gridpatrol/functions/jobs/handler';
import { describe, expect, it } from 'vitest';

describe('jobs', () => {
  it('are named by operator name, or by the findings kinds of older events', () => {
    expect(JOB_NAMES).toEqual(['overdue', 'revisits', 'missed-tasks', 'draft-plans', 'grid-imports']);
    expect(jobNameOf('overdue')).toBe('overdue');
    expect(jobNameOf('deadline')).toBe('overdue');
    expect(jobNameOf('revisit')).toBe('revisits');
    expect(jobNameOf('missed-tasks')).toBe('missed-tasks');
    expect(jobNameOf('sweep')).toBeUndefined();
    expect(jobNameOf(undefined)).toBeUndefined();
    for (const job of JOB_SCHEDULES) {
      expect(job.everyMinutes).toBeGreaterThan(0);
      expect(job.localEveryMinutes).toBeGreaterThan(0);
    }
  });

  it('run on their stated rates', () => {
    expect(JOBS.overdue.everyMinutes).toBe(15);
    expect(JOBS.revisits.everyMinutes).toBe(60);
    expect(JOBS['missed-tasks'].everyMinutes).toBe(15);
    expect(JOBS['draft-plans'].everyMinutes).toBe(24 * 60);
    expect(JOBS['grid-imports'].everyMinutes).toBe(5);
    expect(rateExpression(15)).toBe('rate(15 minutes)');
    expect(rateExpression(60)).toBe('rate(1 hour)');
    expect(rateExpression(120)).toBe('rate(2 hours)');
    expect(rateExpression(1440)).toBe('rate(1 day)');
  });

  it('fail an event that names no job, before reading anything', async () => {
    await expect(handler({ source: 'aws.events' })).rejects.toThrow(/No job kind/);
    await expect(handler({ job: 'sweep' })).rejects.toThrow(/No job kind/);
    await expect(handler(null)).rejects.toThrow(/No job kind/);
  });
});
