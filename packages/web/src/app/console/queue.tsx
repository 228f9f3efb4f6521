/**
 * 线索队列: what waits on the caller (GET /me/findings?view=todo) and the filtered lists of GET
 * /findings (zone, cell, state, overdue, report dates), sortable, deadlines and overdue marked at a
 * glance. A finding opens with the field app's own card (the same actions, forms and refusals) and
 * its history as a timeline in the city's local time.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { ApiError, errorText } from '../api';
import { actorText } from '../finding-history';
import { type Finding, FindingCard } from '../findings';
import { language, t } from '../i18n';
import { LoadStatus, Problem } from '../notice';
import { useSignal } from '../state';
import { Tabs } from '../tabs';
import { allPages } from './fetch-all';
import type { ConsolePageProps } from './page-props';
import {
  cityDateTime,
  deadlineState,
  findingsQuery,
  type QueueFilter,
  type QueueFinding,
  type SortKey,
  STATUS_ORDER,
  sortFindings,
} from './queue-view';
import { ConsoleLink, ConsoleNotFound } from './shell';

type Listed = QueueFinding & Finding;

const PAGE = 100;

export function QueuePage(props: ConsolePageProps) {
  useSignal(language);
  const id = props.rest[0];
  return id ? <FindingDetail key={id} {...props} id={id} /> : <QueueList {...props} />;
}

function QueueList(props: ConsolePageProps) {
  const { api, config } = props.ctx;
  const [view, setView] = useState<'todo' | 'list'>('todo');
  const [draft, setDraft] = useState<QueueFilter>({});
  const [filter, setFilter] = useState<QueueFilter>({});
  const [zones, setZones] = useState<{ id: string; name: string }[]>([]);
  const [items, setItems] = useState<Listed[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'deadline', dir: 'asc' });

  useEffect(() => {
    allPages<{ id: string; name: string }>(api, '/zones?limit=500').then(setZones, () => setZones([]));
  }, []);

  const path = view === 'todo' ? `/me/findings?view=todo&limit=${PAGE}` : findingsQuery(filter, PAGE);
  const load = (after?: string) => {
    setError(undefined);
    const sep = path.includes('?') ? '&' : '?';
    return api
      .request<{ items: Listed[]; cursor?: string }>(
        'GET',
        after ? `${path}${sep}cursor=${encodeURIComponent(after)}` : path,
      )
      .then(
        (page) => {
          setItems((before) => [...(after ? (before ?? []) : []), ...page.items]);
          setCursor(page.cursor);
        },
        (err) => {
          setItems([]);
          setError(errorText(err, t));
        },
      );
  };
  useEffect(() => {
    setItems(undefined);
    void load();
  }, [path]);

  const set = (key: keyof QueueFilter) => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const header = (key: SortKey, label: MessageKey) => {
    const active = sort.key === key;
    return (
      <th aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          class="link"
          onClick={() => setSort({ key, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' })}
        >
          {t(label)} {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
        </button>
      </th>
    );
  };
  const now = new Date();

  return (
    <section class="console-page">
      <h1>{t('console.queue.title')}</h1>
      <Tabs
        views={['todo', 'list'] as const}
        current={view}
        label={(v) => t(v === 'todo' ? 'findings.todo' : 'console.queue.filtered')}
        onSelect={setView}
      />
      {view === 'list' && (
        <form
          class="queue-filter"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter({ ...draft });
          }}
        >
          <label>
            {t('console.queue.zone')}
            <select value={draft.zone ?? ''} onChange={set('zone')}>
              <option value="">{t('console.queue.any')}</option>
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('console.queue.cell')}
            <input value={draft.cell ?? ''} onInput={set('cell')} />
          </label>
          <label>
            {t('console.queue.status')}
            <select value={draft.status ?? ''} onChange={set('status')}>
              <option value="">{t('console.queue.any')}</option>
              {/* The state filter offers the states in the loop's order. */}
              {STATUS_ORDER.map((s) => (
                <option key={s} value={s}>
                  {t(`finding.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('finding.overdue')}
            <select value={draft.overdue ?? ''} onChange={set('overdue')}>
              <option value="">{t('console.queue.any')}</option>
              <option value="true">{t('console.queue.overdueOnly')}</option>
              <option value="false">{t('console.queue.notOverdue')}</option>
            </select>
          </label>
          <label>
            {t('console.queue.from')}
            <input type="date" value={draft.from ?? ''} onInput={set('from')} />
          </label>
          <label>
            {t('console.queue.to')}
            <input type="date" value={draft.to ?? ''} onInput={set('to')} />
          </label>
          <button type="submit" class="primary">
            {t('console.queue.apply')}
          </button>
        </form>
      )}
      <LoadStatus
        error={error}
        loaded={items !== undefined}
        empty={items?.length === 0 && !error && t('findings.none')}
      />
      {items && items.length > 0 && (
        <table class="queue" data-testid="queue">
          <thead>
            <tr>
              {header('businessName', 'console.queue.business')}
              {header('status', 'console.queue.status')}
              {header('deadline', 'console.queue.deadline')}
              {header('reportedAt', 'console.queue.reportedAt')}
              <th>{t('console.queue.cell')}</th>
            </tr>
          </thead>
          <tbody>
            {sortFindings(items, sort.key, sort.dir).map((f) => {
              const due = deadlineState(f, now);
              return (
                <tr key={f.id} class={`due-${due}`} data-finding={f.id}>
                  <td>
                    <ConsoleLink to={['findings', f.id]}>{f.businessName}</ConsoleLink>
                    <div class="muted">{f.address}</div>
                  </td>
                  <td>{t(`finding.status.${f.status}` as MessageKey)}</td>
                  <td>
                    {f.deadline ? cityDateTime(f.deadline, config.city.timeZone) : '—'}
                    {due === 'overdue' && <span class="badge overdue">{t('finding.overdue')}</span>}
                    {due === 'soon' && <span class="badge soon">{t('console.queue.dueSoon')}</span>}
                  </td>
                  <td>{cityDateTime(f.reportedAt, config.city.timeZone)}</td>
                  <td>{f.cellId ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t('console.queue.more')}
        </button>
      )}
    </section>
  );
}

interface HistoryEvent {
  version: number;
  at: string;
  actorId: string;
  actorName?: string;
  actorRole: string;
  action: string;
  from: string | null;
  to: string;
  note?: string;
  data: Record<string, unknown>;
}

/** The words for a step of the history: a person's action as its button says, a job's its own. */
function stepWords(action: string): string {
  if (
    action === 'report' ||
    action === 'mark_overdue' ||
    action === 'escalate_to_admin' ||
    action === 'revisit_due'
  )
    return t(`console.history.${action}` as MessageKey);
  return t(`action.${action}` as MessageKey);
}

function FindingDetail(props: ConsolePageProps & { id: string }) {
  const { api, config } = props.ctx;
  const path = `/findings/${encodeURIComponent(props.id)}`;
  const [finding, setFinding] = useState<Finding | undefined>();
  const [history, setHistory] = useState<HistoryEvent[] | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([
      api.request<Finding>('GET', path),
      allPages<HistoryEvent>(api, `${path}/history?limit=100`),
    ]).then(
      ([f, h]) => {
        if (!live) return;
        setFinding(f);
        setHistory(h);
        setProblem(undefined);
      },
      (err) => live && setProblem(err),
    );
    return () => {
      live = false;
    };
  }, [reloads]);

  if (problem instanceof ApiError && problem.kind === 'not_found') return <ConsoleNotFound />;
  let body: JSX.Element;
  if (problem) body = <Problem text={errorText(problem, t)} />;
  else if (!finding || !history) body = <p>{t('app.loading')}</p>;
  else
    body = (
      <div class="finding-detail">
        <FindingCard
          key={`${finding.id}-${finding.version}`}
          ctx={props.ctx}
          finding={finding}
          duplicate={undefined}
          onChanged={() => setReloads((n) => n + 1)}
        />
        <section>
          <h2>{t('console.history.title')}</h2>
          <ol class="timeline" data-testid="history">
            {history.map((e) => (
              <li key={e.version}>
                <time dateTime={e.at}>{cityDateTime(e.at, config.city.timeZone)}</time>
                <strong>{stepWords(e.action)}</strong>
                <span>
                  {actorText(e)}
                  {e.actorId !== 'system' && ` · ${t(`role.${e.actorRole}` as MessageKey)}`}
                </span>
                <span class="muted">
                  {e.from ? `${t(`finding.status.${e.from}` as MessageKey)} → ` : ''}
                  {t(`finding.status.${e.to}` as MessageKey)}
                </span>
                {typeof e.data.deadline === 'string' && (
                  <span class="muted">
                    {t('findings.deadline', { time: cityDateTime(e.data.deadline, config.city.timeZone) })}
                  </span>
                )}
                {e.note && <q>{e.note}</q>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    );
  return (
    <section class="console-page">
      <p>
        <ConsoleLink to={['findings']}>← {t('console.queue.back')}</ConsoleLink>
      </p>
      <h1>{finding?.businessName ?? t('console.queue.title')}</h1>
      {body}
    </section>
  );
}
