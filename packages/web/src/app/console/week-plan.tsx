/**
 * 周计划: a week's plans (GET /plans) and the drafting of the next one; a plan as a calendar of days ×
 * shifts beside the map of its cells, each task's demand in words (the API's own explanation: open,
 * overdue, reopened, staleness, manual priority, the 双随机 draw, rotation and 回避), a reassignment
 * checked against the planner's rules before it is sent, publication, the unmet demand with its
 * reason, and a cell's manual priority set from the map.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { ApiError, errorText } from '../api';
import { navigate } from '../app';
import { cityDate, cityToday } from '../context';
import { language, t } from '../i18n';
import { LoadStatus, Problem } from '../notice';
import { useSignal } from '../state';
import { type AreaData, loadArea } from './area-map';
import { PriorityForm } from './cell-panel';
import { Choropleth } from './choropleth';
import { colourOf, colourScale } from './colour-scale';
import { allPages } from './fetch-all';
import type { ConsolePageProps } from './page-props';
import { consolePath } from './pages';
import { calendarOf, demandWords, type PlanTaskView, weekDates } from './plan-view';
import { ConsoleLink, ConsoleNotFound } from './shell';

interface Person {
  id: string;
  name: string;
  role: string;
  active: boolean;
}

/** A shift by its word (上午, 下午) where the app has one, else its name. */
const shiftText = (shift: string) => (shift === 'am' || shift === 'pm' ? t(`tasks.shift.${shift}`) : shift);

interface PlanHeader {
  id: string;
  weekStart: string;
  officeId: string | null;
  status: string;
  version: number;
  seed: number;
  shifts: string[];
  config: { maxTasksPerOfficerShift: number };
  metrics: { demand: number; assigned: number; weightedCoverage: number; pairRepeatRate: number };
  unmet: { cellId: string; missing: number; reason: string }[];
  createdAt: string;
  taskCount?: number;
}

export function WeekPlanPage(props: ConsolePageProps) {
  useSignal(language);
  const id = props.rest[0];
  return id ? <PlanBoard key={id} {...props} id={id} /> : <PlanList {...props} />;
}

/** The Monday after today in the city: the week a supervisor plans now. */
function nextMonday(today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  const ahead = (8 - d.getUTCDay()) % 7 || 7;
  return new Date(d.getTime() + ahead * 86_400_000).toISOString().slice(0, 10);
}

function PlanList(props: ConsolePageProps) {
  const { api, config } = props.ctx;
  const [plans, setPlans] = useState<PlanHeader[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [week, setWeek] = useState(nextMonday(cityToday(config)));
  const [office, setOffice] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    allPages<PlanHeader>(api, '/plans?limit=100', { maxPages: 3 }).then(
      (p) => setPlans(p.reverse()),
      (err) => setError(errorText(err, t)),
    );
  }, []);

  const draft = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { weekStart: week };
      if (office.trim()) body.office = office.trim();
      const plan = await api.request<PlanHeader>('POST', '/plans', { body });
      navigate(consolePath('plan', plan.id));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="console-page">
      <h1>{t('console.plan.title')}</h1>
      <form class="queue-filter" onSubmit={(e) => void draft(e)}>
        <label>
          {t('console.plan.week')}
          <input
            type="date"
            value={week}
            onInput={(e) => setWeek((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        {props.me.role === 'city_admin' && (
          <label>
            {t('console.plan.office')}
            <input value={office} onInput={(e) => setOffice((e.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('console.plan.draft')}
        </button>
      </form>
      <LoadStatus
        error={error}
        loaded={plans !== undefined}
        empty={plans?.length === 0 && t('console.plan.none')}
      />
      {plans && plans.length > 0 && (
        <table class="queue">
          <thead>
            <tr>
              <th>{t('console.plan.week')}</th>
              <th>{t('console.plan.office')}</th>
              <th>{t('console.queue.status')}</th>
              <th>{t('console.plan.coverage')}</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={p.id}>
                <td>
                  <ConsoleLink to={['plan', p.id]}>{p.weekStart}</ConsoleLink>
                </td>
                <td>{p.officeId ?? t('console.plan.wholeCity')}</td>
                <td>{t(`console.plan.status.${p.status}` as MessageKey)}</td>
                <td>{Math.round(p.metrics.weightedCoverage * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A plan with every page of its tasks. */
async function loadPlan(props: ConsolePageProps, id: string) {
  const path = `/plans/${encodeURIComponent(id)}`;
  const first = await props.ctx.api.request<PlanHeader & { tasks: PlanTaskView[]; cursor?: string }>(
    'GET',
    path,
  );
  const tasks = [...first.tasks];
  let cursor = first.cursor;
  while (cursor) {
    const page = await props.ctx.api.request<{ tasks: PlanTaskView[]; cursor?: string }>(
      'GET',
      `${path}?cursor=${encodeURIComponent(cursor)}`,
    );
    tasks.push(...page.tasks);
    cursor = page.cursor;
  }
  const { tasks: _, cursor: __, ...header } = first;
  return { header: header as PlanHeader, tasks };
}

function PlanBoard(props: ConsolePageProps & { id: string }) {
  const { api } = props.ctx;
  const lang = useSignal(language);
  const [plan, setPlan] = useState<{ header: PlanHeader; tasks: PlanTaskView[] } | undefined>();
  const [area, setArea] = useState<AreaData | undefined>();
  const [people, setPeople] = useState<Person[]>([]);
  const [problem, setProblem] = useState<unknown>();
  const [selected, setSelected] = useState<string | undefined>();
  const [cell, setCell] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'error' } | undefined>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    loadPlan(props, props.id).then(
      (p) => live && setPlan(p),
      (err) => live && setProblem(err),
    );
    return () => {
      live = false;
    };
  }, [reloads]);
  useEffect(() => {
    loadArea(props, false).then(setArea, (err) => setNotice({ text: errorText(err, t), tone: 'error' }));
    allPages<Person>(api, '/people?limit=200', { maxPages: 25 }).then(setPeople, (err) =>
      setNotice({ text: errorText(err, t), tone: 'error' }),
    );
  }, []);

  const cellNames = useMemo(
    () => new Map((area?.cells ?? []).map((c) => [c.properties.id, c.properties.name])),
    [area],
  );
  const names = useMemo(() => new Map(people.map((p) => [p.id, p.name])), [people]);
  const tasksPerCell = useMemo(() => {
    const n = new Map<string, number>();
    for (const task of plan?.tasks ?? [])
      if (task.status !== 'cancelled') n.set(task.cellId, (n.get(task.cellId) ?? 0) + 1);
    return n;
  }, [plan]);
  const planCells = useMemo(
    () =>
      (area?.cells ?? []).filter(
        (c) =>
          tasksPerCell.has(c.properties.id) || plan?.header.unmet.some((u) => u.cellId === c.properties.id),
      ),
    [area, tasksPerCell, plan],
  );
  const scale = useMemo(() => colourScale([...tasksPerCell.values(), 0], 'high'), [tasksPerCell]);
  const fill = useMemo(
    () => (id: string) => colourOf(scale, tasksPerCell.get(id) ?? 0),
    [scale, tasksPerCell],
  );

  if (problem instanceof ApiError && problem.kind === 'not_found') return <ConsoleNotFound />;
  if (problem) return <Problem text={errorText(problem, t)} />;
  if (!plan) return <p>{t('app.loading')}</p>;
  const { header, tasks } = plan;
  const calendar = calendarOf(tasks, header.weekStart, header.shifts);
  const task = tasks.find((x) => x.id === selected);
  const cellName = (id: string) => cellNames.get(id) ?? id;
  const person = (id: string) => names.get(id) ?? id;

  const publish = async () => {
    setNotice(undefined);
    try {
      await api.request('POST', `/plans/${encodeURIComponent(header.id)}/publish`);
      setNotice({ text: t('console.plan.published'), tone: 'ok' });
      setReloads((n) => n + 1);
    } catch (err) {
      setNotice({ text: errorText(err, t), tone: 'error' });
    }
  };

  return (
    <section class="console-page">
      <p>
        <ConsoleLink to={['plan']}>← {t('console.plan.back')}</ConsoleLink>
      </p>
      <h1>
        {t('console.plan.heading', {
          week: header.weekStart,
          office: header.officeId ?? t('console.plan.wholeCity'),
        })}
      </h1>
      <p class="plan-meta">
        <span class="badge" data-testid="plan-status">
          {t(`console.plan.status.${header.status}` as MessageKey)}
        </span>{' '}
        {t('console.plan.metrics', {
          assigned: header.metrics.assigned,
          demand: header.metrics.demand,
          coverage: Math.round(header.metrics.weightedCoverage * 100),
          seed: header.seed,
        })}{' '}
        {header.status === 'draft' && (
          <button type="button" class="primary inline" onClick={() => void publish()}>
            {t('console.plan.publish')}
          </button>
        )}
      </p>
      {notice && (
        <p class={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      <div class="plan-layout">
        <div class="plan-calendar">
          <table class="calendar" data-testid="calendar">
            <thead>
              <tr>
                <th>{t('console.plan.day')}</th>
                {header.shifts.map((s) => (
                  <th key={s}>{shiftText(s)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weekDates(header.weekStart).map((date) => (
                <tr key={date}>
                  <th>{cityDate(date, lang)}</th>
                  {header.shifts.map((shift) => (
                    <td key={shift}>
                      {(calendar.get(date)?.get(shift) ?? []).map((x) => (
                        <button
                          key={x.id}
                          type="button"
                          class={`task-chip ${x.id === selected ? 'active' : ''}`}
                          data-task={x.id}
                          onClick={() => {
                            setSelected(x.id);
                            setCell(x.cellId);
                          }}
                        >
                          <strong>{cellName(x.cellId)}</strong>
                          <span>
                            {person(x.officerId)} · {person(x.partnerId)}
                          </span>
                        </button>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <Unmet unmet={header.unmet} cellName={cellName} />
        </div>
        <div class="plan-side">
          {area && (
            <Choropleth
              config={props.ctx.config}
              cells={planCells}
              zones={area.zones}
              fill={fill}
              selected={cell}
              onCell={setCell}
              label={t('console.plan.mapLabel', { count: planCells.length })}
            />
          )}
          {task && (
            <TaskDetail
              key={`${task.id}-${task.version}`}
              {...props}
              header={header}
              task={task}
              people={people}
              cellName={cellName(task.cellId)}
              person={person}
              onChanged={() => setReloads((n) => n + 1)}
            />
          )}
          {cell && (props.me.role === 'city_admin' || props.me.role === 'supervisor') && (
            <div class="cell-panel inline-panel">
              <h2>{cellName(cell)}</h2>
              <PriorityForm
                {...props}
                key={cell}
                cellId={cell}
                current={area?.numbers.get(cell)?.manualPriority ?? 0}
                onChanged={() =>
                  loadArea(props, false).then(setArea, (err) =>
                    setNotice({ text: errorText(err, t), tone: 'error' }),
                  )
                }
              />
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function Unmet({ unmet, cellName }: { unmet: PlanHeader['unmet']; cellName: (id: string) => string }) {
  return (
    <section data-testid="unmet">
      <h2>{t('console.plan.unmet')}</h2>
      {unmet.length === 0 ? (
        <p class="muted">{t('console.plan.allMet')}</p>
      ) : (
        <details open={unmet.length <= 8}>
          <summary>
            {t('console.plan.unmetCount', {
              cells: unmet.length,
              missing: unmet.reduce((n, u) => n + u.missing, 0),
            })}
          </summary>
          <ul>
            {unmet.map((u) => (
              <li key={`${u.cellId}-${u.reason}`}>
                {t('console.plan.unmetRow', {
                  cell: cellName(u.cellId),
                  missing: u.missing,
                  reason: t(`console.plan.unmet.${u.reason}` as MessageKey),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function TaskDetail(
  props: ConsolePageProps & {
    header: PlanHeader;
    task: PlanTaskView;
    people: readonly Person[];
    cellName: string;
    person: (id: string) => string;
    onChanged: () => void;
  },
) {
  const lang = useSignal(language);
  const { task, header } = props;
  const [target, setTarget] = useState({
    officerId: task.officerId,
    partnerId: task.partnerId,
    date: task.date,
    shift: task.shift,
  });
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'error' } | undefined>();
  const [busy, setBusy] = useState(false);
  const changed =
    target.officerId !== task.officerId ||
    target.partnerId !== task.partnerId ||
    target.date !== task.date ||
    target.shift !== task.shift;
  const path = `/plans/${encodeURIComponent(header.id)}/tasks/${encodeURIComponent(task.id)}/reassign`;
  const bodyOf = (dryRun: boolean) => {
    const body: Record<string, unknown> = { expectedVersion: task.version, ...(dryRun ? { dryRun } : {}) };
    for (const k of ['officerId', 'partnerId', 'date', 'shift'] as const)
      if (target[k] !== task[k]) body[k] = target[k];
    return body;
  };
  // The planner's rules, as the API checks them (a dry run writes nothing), before anything is sent.
  const [check, setCheck] = useState<
    { state: 'idle' | 'checking' | 'ok' } | { state: 'broken'; rules: string[] }
  >({
    state: 'idle',
  });
  useEffect(() => {
    if (!changed) return setCheck({ state: 'idle' });
    let live = true;
    setCheck({ state: 'checking' });
    props.ctx.api.request('POST', path, { body: bodyOf(true) }).then(
      () => live && setCheck({ state: 'ok' }),
      (err) => {
        if (!live) return;
        const rules =
          err instanceof ApiError && err.kind === 'unprocessable' ? err.details.map((d) => d.message) : [];
        setCheck({ state: 'broken', rules: rules.length > 0 ? rules : [errorText(err, t)] });
      },
    );
    return () => {
      live = false;
    };
  }, [target.officerId, target.partnerId, target.date, target.shift]);
  const violations = check.state === 'broken' ? check.rules : [];
  const movable = task.status === 'draft' || task.status === 'assigned';

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      await props.ctx.api.request('POST', path, { body: bodyOf(false) });
      setMessage({ text: t('console.plan.reassigned'), tone: 'ok' });
      props.onChanged();
    } catch (err) {
      setMessage({ text: errorText(err, t), tone: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const select = (
    field: keyof typeof target,
    label: MessageKey,
    options: { value: string; label: string }[],
  ): JSX.Element => (
    <label>
      {t(label)}
      <select
        value={target[field]}
        onChange={(e) => setTarget({ ...target, [field]: (e.currentTarget as HTMLSelectElement).value })}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const officers = props.people.filter((p) => p.role === 'zone_officer' && p.active);
  const partners = props.people.filter(
    (p) => (p.role === 'grid_leader' || p.role === 'grid_worker') && p.active,
  );

  return (
    <article class="task-detail" data-testid="task-detail">
      <h2>
        {props.cellName} · {cityDate(task.date, lang)} {shiftText(task.shift)}
      </h2>
      <p class="muted">
        {props.person(task.officerId)} · {props.person(task.partnerId)}
      </p>
      <h3>{t('console.plan.why')}</h3>
      <ul class="demand-terms">
        {demandWords(task.reasons, t).map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      {task.explanation && <p data-testid="explanation">{task.explanation}</p>}
      {movable && (
        <form class="reassign" onSubmit={(e) => void send(e)}>
          <h3>{t('console.plan.reassign')}</h3>
          {select(
            'officerId',
            'console.plan.officer',
            officers.map((p) => ({ value: p.id, label: p.name })),
          )}
          {select(
            'partnerId',
            'console.plan.partner',
            partners.map((p) => ({ value: p.id, label: p.name })),
          )}
          {select(
            'date',
            'console.plan.day',
            weekDates(header.weekStart).map((d) => ({ value: d, label: cityDate(d, lang) })),
          )}
          {select(
            'shift',
            'console.plan.shift',
            header.shifts.map((s) => ({ value: s, label: shiftText(s) })),
          )}
          {violations.length > 0 && (
            <div class="notice error" role="alert" data-testid="violations">
              <strong>{t('console.plan.violations', { count: violations.length })}</strong>
              <ul>
                {violations.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            </div>
          )}
          <button type="submit" class="primary" disabled={busy || check.state !== 'ok'}>
            {t('console.plan.send')}
          </button>
          {message && (
            <p class={`notice ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
        </form>
      )}
    </article>
  );
}
