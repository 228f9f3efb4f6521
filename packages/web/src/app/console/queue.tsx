/**
 * 线索队列: what waits on the caller (GET /me/findings?view=todo) and the filtered lists of GET
 * /findings (zone, cell, state, overdue, report dates), sortable, deadlines and overdue marked at a
 * glance. A finding opens with the field app's own card (the same actions, forms and refusals) and
 * its history as a timeline in the city's local time.
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { ApiError, errorText } from '../api';
import { actorText } from '../finding-history';
import { type Finding, FindingCard } from '../findings';
import { language, t } from '../i18n';
import { LoadStatus, Problem } from '../notice';
import { useSignal } from '../state';
import { Tabs } from '../tabs';
import { type AreaNames, areaNames } from './area-names';
import { allPages } from './fetch-all';
import type { ConsolePageProps } from './page-props';
import {
  chosenId,
  cityDateTime,
  deadlineState,
  findingsQuery,
  type NameChoice,
  nameChoices,
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
  const [zones, setZones] = useState<AreaNames>(new Map());
  // Until the names come (or if they cannot), rows show cell ids and the cell field takes an id.
  const [cells, setCells] = useState<AreaNames | undefined>();
  const [cellText, setCellText] = useState('');
  const [cellProblem, setCellProblem] = useState<string | undefined>();
  const [items, setItems] = useState<Listed[] | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'deadline', dir: 'asc' });

  useEffect(() => {
    areaNames(api, props.me.id, 'zones').then(setZones, () => setZones(new Map()));
    areaNames(api, props.me.id, 'cells').then(setCells, () => setCells(undefined));
  }, []);
  const zoneChoices = useMemo(() => nameChoices(zones), [zones]);
  const cellChoices = useMemo(() => (cells ? nameChoices(cells) : []), [cells]);
  // A city admin may read thousands of cells: a <select> of 5,000 options is a long scroll, and its
  // type-ahead matches only the start of a name and not through an IME. An input backed by a
  // datalist lets the desk type any part of a name (Chromium, Firefox and Safari match substrings)
  // and still drops the whole list open for an officer's few cells. The same element while the
  // choices are the same: Preact then skips the thousands of options at every keystroke elsewhere.
  const cellList = useMemo(() => <CellOptions choices={cellChoices} />, [cellChoices]);

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
            // The API keeps taking the cell's id; without the names the field is read as an id.
            const cell = cells ? chosenId(cellText, cellChoices) : { id: cellText.trim() };
            if (cell.unknown) return setCellProblem(t('console.queue.cellUnknown', { text: cell.unknown }));
            setCellProblem(undefined);
            setFilter({ ...draft, cell: cell.id ?? '' });
          }}
        >
          <label>
            {t('console.queue.zone')}
            <select value={draft.zone ?? ''} onChange={set('zone')}>
              <option value="">{t('console.queue.any')}</option>
              {zoneChoices.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('console.queue.cell')}
            <input
              list="queue-cells"
              value={cellText}
              placeholder={t('console.queue.any')}
              aria-invalid={cellProblem ? 'true' : undefined}
              aria-describedby={cellProblem ? 'queue-cell-problem' : undefined}
              onInput={(e) => {
                setCellText(e.currentTarget.value);
                setCellProblem(undefined);
              }}
            />
          </label>
          {cellList}
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
          {cellProblem && (
            <p id="queue-cell-problem" class="notice error" role="alert">
              {cellProblem}
            </p>
          )}
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
                  <td data-cell={f.cellId ?? undefined}>
                    <CellName id={f.cellId} names={cells} />
                  </td>
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

function CellOptions({ choices }: { choices: readonly NameChoice[] }) {
  return (
    <datalist id="queue-cells">
      {choices.map((c) => (
        <option key={c.id} value={c.label} />
      ))}
    </datalist>
  );
}

/** A row's cell by its name, the id beneath for whoever needs it; the id alone if the page has no name. */
function CellName({ id, names }: { id: string | null | undefined; names: AreaNames | undefined }) {
  if (!id) return <>—</>;
  const name = names?.get(id);
  if (name === undefined) return <>{id}</>;
  return (
    <>
      {name}
      <div class="muted">{id}</div>
    </>
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
