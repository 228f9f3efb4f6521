/**
 * 统计: an area's summary as cards, its series as bar charts, an office's assessment (results before
 * activity, in the API's order), the baseline censuses (list; a city admin freezes a new one and
 * makes an earlier one current), and the exports as files. The area is the API's default for the
 * caller (the city for an admin, the office for a supervisor, their own area for others); the dates
 * are the last 30 days unless chosen.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { type AppContext, cityToday } from '../context';
import { language, t } from '../i18n';
import { Problem } from '../notice';
import { useSignal } from '../state';
import { may } from './b/abilities';
import { BarChart, type SeriesPoint } from './b/chart';
import { downloadExport } from './b/download';
import { EXPORTS, exportPath } from './b/exports';
import { cityDateTime, num, Part, pct, Refused, useCaller, useLoad } from './b/ui';

interface Reduction {
  baseline: number | null;
  remaining: number;
  count: number | null;
  percent: number | null;
}
interface Patrols {
  planned: number;
  completed: number;
  joint: number;
  solo: number;
  missed: number;
  jointRate: number | null;
}
interface Summary {
  scope: string;
  from: string;
  to: string;
  baseline: { label: string; asOf: string; census: number } | null;
  now: { open: number; overdue: number; escalated: { supervisor: number; admin: number } };
  period: {
    reported: number;
    verified: number;
    rejected: number;
    resolved: { total: number };
    closed: number;
    wentOverdue: number;
    daysToClose: { median: number | null; p90: number | null };
    patrols: Patrols;
  };
  reduction: Reduction;
}
interface Assessed {
  id: string;
  name?: string;
  zones: string[];
  results: {
    verified: number;
    resolved: number;
    closed: number;
    wentOverdue: number;
    overdueNow: number;
    reduction: Reduction;
  };
  activity: Patrols;
}
interface Assessment {
  scope: string;
  officers: Assessed[];
  cells: Assessed[];
}
interface Baseline {
  id: string;
  label: string;
  asOf: string;
  countedAt: string;
  createdBy: string;
  gridVersion: number;
  current: boolean;
}

/** The series charted, one chart each. */
export const CHARTED = ['reported', 'resolved', 'went_overdue', 'tasks_joint'] as const;

/** Thirty days to today in the city, both included. */
function defaultDates(ctx: AppContext): { from: string; to: string } {
  const to = cityToday(ctx.config);
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 29);
  return { from: d.toISOString().slice(0, 10), to };
}

export function StatsPage({ ctx }: { ctx: AppContext }) {
  useSignal(language);
  const caller = useCaller(ctx.api);
  const [dates, setDates] = useState(() => defaultDates(ctx));
  const [draft, setDraft] = useState(dates);
  const role = caller.data?.role;
  if (caller.error) return <Problem text={caller.error} />;
  if (!role) return <main class="page console">{t('app.loading')}</main>;
  if (!may(role, 'getStatsSummary')) return <Refused title={t('stats.title')} />;
  const q = `from=${dates.from}&to=${dates.to}`;

  return (
    <main class="page console">
      <h1>{t('stats.title')}</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setDates(draft);
        }}
      >
        <label>
          {t('stats.from')}
          <input
            type="date"
            value={draft.from}
            onInput={(e) => setDraft({ ...draft, from: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t('stats.to')}
          <input
            type="date"
            value={draft.to}
            onInput={(e) => setDraft({ ...draft, to: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <button type="submit">{t('stats.apply')}</button>
      </form>
      <SummaryCards ctx={ctx} query={q} />
      <Part id="stats-series" title={t('stats.series')}>
        {CHARTED.map((metric) => (
          <SeriesChart key={metric} ctx={ctx} metric={metric} query={q} />
        ))}
      </Part>
      {may(role, 'getStatsAssessment') && <AssessmentTable ctx={ctx} query={q} />}
      {may(role, 'listBaselines') && <Baselines ctx={ctx} role={role} />}
      <Exports ctx={ctx} role={role} dates={dates} />
    </main>
  );
}

function SummaryCards({ ctx, query }: { ctx: AppContext; query: string }) {
  const summary = useLoad(() => ctx.api.request<Summary>('GET', `/stats/summary?${query}`), [query]);
  const s = summary.data;
  const cards: [string, string][] = s
    ? [
        [t('stats.open'), num(s.now.open)],
        [t('stats.overdue'), num(s.now.overdue)],
        [t('stats.escalated'), num(s.now.escalated.supervisor + s.now.escalated.admin)],
        [t('stats.reported'), num(s.period.reported)],
        [t('stats.verified'), num(s.period.verified)],
        [t('stats.resolved'), num(s.period.resolved.total)],
        [t('stats.closed'), num(s.period.closed)],
        [t('stats.wentOverdue'), num(s.period.wentOverdue)],
        [
          t('stats.daysToClose'),
          s.period.daysToClose.median === null
            ? '—'
            : t('stats.days', { days: num(s.period.daysToClose.median, 1) }),
        ],
        [t('stats.patrols'), `${num(s.period.patrols.completed)} / ${num(s.period.patrols.planned)}`],
        [t('stats.jointRate'), pct(s.period.patrols.jointRate)],
        [
          t('stats.reduction'),
          s.reduction.percent === null ? t('stats.noBaseline') : pct(s.reduction.percent / 100),
        ],
      ]
    : [];
  return (
    <Part
      id="stats-summary"
      title={
        s
          ? t('stats.summary', { scope: scopeName(ctx, s.scope), from: s.from, to: s.to })
          : t('stats.summaryLoading')
      }
    >
      <Problem text={summary.error} />
      <div class="cards">
        {cards.map(([k, v]) => (
          <div class="card" key={k} data-card={k}>
            <span class="v">{v}</span>
            <span class="k">{k}</span>
          </div>
        ))}
      </div>
    </Part>
  );
}

/** An area as people name it: the city, an office by its name, a zone or cell by its id. */
function scopeName(ctx: AppContext, scope: string): string {
  if (scope === 'city') return ctx.config.city.displayName;
  const [kind, id] = scope.split(':');
  return `${t(kind === 'office' ? 'stats.office' : kind === 'zone' ? 'stats.zone' : 'stats.cell')} ${id}`;
}

function SeriesChart({
  ctx,
  metric,
  query,
}: {
  ctx: AppContext;
  metric: (typeof CHARTED)[number];
  query: string;
}) {
  const series = useLoad(
    () =>
      ctx.api.request<{ points: SeriesPoint[]; total: number; interval: string }>(
        'GET',
        `/stats/series?metric=${metric}&${query}`,
      ),
    [metric, query],
  );
  const title = t(`stats.metric.${metric}`, { total: num(series.data?.total) });
  return (
    <>
      <Problem text={series.error} />
      {series.data && <BarChart title={title} points={series.data.points} testId={`chart-${metric}`} />}
    </>
  );
}

function AssessmentTable({ ctx, query }: { ctx: AppContext; query: string }) {
  const assessment = useLoad(() => ctx.api.request<Assessment>('GET', `/stats/assessment?${query}`), [query]);
  const a = assessment.data;
  const rows = (list: readonly Assessed[], officer: boolean) =>
    list.map((r) => (
      <tr key={r.id}>
        <th scope="row">{officer ? r.name : r.id}</th>
        <td>{r.zones.join('、')}</td>
        <td class="n">{r.results.verified}</td>
        <td class="n">{r.results.resolved}</td>
        <td class="n">{r.results.closed}</td>
        <td class="n">{r.results.wentOverdue}</td>
        <td class="n">{r.results.overdueNow}</td>
        <td class="n">
          {r.results.reduction.percent === null ? '—' : pct(r.results.reduction.percent / 100)}
        </td>
        <td class="n">{r.activity.planned}</td>
        <td class="n">{r.activity.completed}</td>
        <td class="n">{pct(r.activity.jointRate)}</td>
        <td class="n">{r.activity.missed}</td>
      </tr>
    ));
  const head = (first: string) => (
    <thead>
      <tr>
        <th rowSpan={2}>{first}</th>
        <th rowSpan={2}>{t('stats.a.zones')}</th>
        <th colSpan={6}>{t('stats.a.results')}</th>
        <th colSpan={4}>{t('stats.a.activity')}</th>
      </tr>
      <tr>
        <th class="n">{t('stats.verified')}</th>
        <th class="n">{t('stats.resolved')}</th>
        <th class="n">{t('stats.closed')}</th>
        <th class="n">{t('stats.wentOverdue')}</th>
        <th class="n">{t('stats.overdue')}</th>
        <th class="n">{t('stats.reduction')}</th>
        <th class="n">{t('stats.a.planned')}</th>
        <th class="n">{t('stats.a.completed')}</th>
        <th class="n">{t('stats.jointRate')}</th>
        <th class="n">{t('stats.a.missed')}</th>
      </tr>
    </thead>
  );
  return (
    <Part id="stats-assessment" title={t('stats.assessment')}>
      <Problem text={assessment.error} />
      {a && (
        <>
          <p class="muted">{t('stats.a.order')}</p>
          <table data-testid="assessment-officers">
            <caption class="visually-hidden">{t('stats.a.officers')}</caption>
            {head(t('stats.a.officer'))}
            <tbody>{rows(a.officers, true)}</tbody>
          </table>
          <details>
            <summary>{t('stats.a.cells', { count: a.cells.length })}</summary>
            <div class="scroll">
              <table>
                <caption class="visually-hidden">{t('stats.a.cellsCaption')}</caption>
                {head(t('stats.a.cell'))}
                <tbody>{rows(a.cells, false)}</tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Part>
  );
}

function Baselines({ ctx, role }: { ctx: AppContext; role: string }) {
  const list = useLoad(() => ctx.api.request<{ items: Baseline[] }>('GET', '/baselines?limit=50'), [ctx.api]);
  const [label, setLabel] = useState('');
  const [asOf, setAsOf] = useState(() => cityToday(ctx.config));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    setBusy(true);
    try {
      await fn();
      list.reload();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Part id="stats-baselines" title={t('stats.baselines')}>
      <Problem text={list.error ?? error} />
      {list.data && list.data.items.length === 0 && <p class="empty">{t('stats.noBaselines')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('stats.b.label')}</th>
              <th>{t('stats.b.asOf')}</th>
              <th>{t('stats.b.countedAt')}</th>
              <th class="n">{t('stats.b.grid')}</th>
              <th>{t('stats.b.current')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((b) => (
              <tr key={b.id}>
                <td>{b.label}</td>
                <td>{cityDateTime(ctx.config, b.asOf)}</td>
                <td>
                  {cityDateTime(ctx.config, b.countedAt)} · {b.createdBy}
                </td>
                <td class="n">{b.gridVersion}</td>
                <td>
                  {b.current ? (
                    <strong>{t('stats.b.isCurrent')}</strong>
                  ) : may(role, 'setCurrentBaseline') ? (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => act(() => ctx.api.request('POST', `/baselines/${b.id}/current`))}
                    >
                      {t('stats.b.makeCurrent', { label: b.label })}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may(role, 'createBaseline') && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => ctx.api.request('POST', '/baselines', { body: { label, asOf } }));
          }}
        >
          <label>
            {t('stats.b.label')}
            <input
              value={label}
              required
              maxLength={100}
              onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label>
            {t('stats.b.asOf')}
            <input
              type="date"
              value={asOf}
              required
              onInput={(e) => setAsOf((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('stats.b.create')}
          </button>
        </form>
      )}
    </Part>
  );
}

function Exports({
  ctx,
  role,
  dates,
}: {
  ctx: AppContext;
  role: string;
  dates: { from: string; to: string };
}) {
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async (path: string, file: string) => {
    setError(undefined);
    setSaved(undefined);
    setBusy(true);
    try {
      setSaved(await downloadExport(ctx.config.apiBaseUrl, path, file, language.get()));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Part id="stats-exports" title={t('stats.exports')}>
      <p class="muted">{t('stats.x.dates', { from: dates.from, to: dates.to })}</p>
      <div class="row">
        {EXPORTS.filter((x) => may(role, x.op)).map((x) => (
          <button
            key={x.op}
            type="button"
            disabled={busy}
            onClick={() => save(exportPath(x, dates, language.get()), x.file)}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      {saved && (
        <p class="notice ok" role="status" data-testid="export-saved">
          {t('stats.x.saved', { file: saved })}
        </p>
      )}
      <Problem text={error} />
    </Part>
  );
}
