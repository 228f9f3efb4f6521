/**
 * A cell's panel on the area map: its name, zone shares, the people serving it, its numbers, its
 * open findings (each opens in the queue) and its last joint patrol; for managers, its manual
 * priority for the next plans (PUT /cells/{id}/priority).
 */
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { errorText } from '../api';
import { t } from '../i18n';
import { Problem } from '../notice';
import type { CellNumbers } from './colour-scale';
import type { ConsolePageProps } from './page-props';
import { ConsoleLink } from './shell';

interface CellDetail {
  properties: { zones?: { zoneId: string; share: number }[] };
}
interface Person {
  id: string;
  name: string;
  role: string;
}
interface Finding {
  id: string;
  businessName: string;
  status: string;
  overdue?: boolean;
}

const MAY_SET_PRIORITY = new Set(['city_admin', 'supervisor']);

export function CellPanel(
  props: ConsolePageProps & {
    cellId: string;
    cellName: string;
    numbers: CellNumbers | undefined;
    zoneNames: ReadonlyMap<string, string>;
    onClose: () => void;
    onChanged: () => void;
  },
) {
  const { api } = props.ctx;
  const id = encodeURIComponent(props.cellId);
  const [cell, setCell] = useState<CellDetail | undefined>();
  const [people, setPeople] = useState<Person[] | undefined>();
  const [findings, setFindings] = useState<Finding[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const fail = (err: unknown) => setError(errorText(err, t));
    api.request<CellDetail>('GET', `/cells/${id}`).then(setCell, fail);
    api
      .request<{ items: Person[] }>('GET', `/people?cell=${id}&limit=50`)
      .then((p) => setPeople(p.items), fail);
    api
      .request<{ items: Finding[] }>('GET', `/findings?cell=${id}&limit=20`)
      .then(
        (p) => setFindings(p.items.filter((f) => f.status !== 'rejected' && f.status !== 'closed')),
        fail,
      );
  }, [props.cellId]);

  const n = props.numbers;
  return (
    <aside class="cell-panel" data-testid="cell-panel" aria-label={props.cellName}>
      <header>
        <h2>{props.cellName}</h2>
        <button type="button" class="link" onClick={props.onClose}>
          {t('console.close')}
        </button>
      </header>
      <p class="muted">{props.cellId}</p>
      <Problem text={error} />
      {n && (
        <dl class="numbers">
          <dt>{t('console.map.metric.open')}</dt>
          <dd data-testid="cell-open">{n.open}</dd>
          <dt>{t('console.map.metric.overdue')}</dt>
          <dd>{n.overdue}</dd>
          <dt>{t('console.cell.baseline')}</dt>
          <dd>
            {n.baseline === null
              ? t('console.cell.noBaseline')
              : t('console.cell.reduction', {
                  baseline: n.baseline,
                  remaining: n.remaining,
                  pct: n.reductionPct ?? '—',
                })}
          </dd>
          <dt>{t('console.cell.lastJoint')}</dt>
          <dd>
            {n.lastJointPatrolDate === null
              ? t('console.cell.neverJoint')
              : t('console.cell.lastJointOn', {
                  date: n.lastJointPatrolDate,
                  days: n.daysSinceJointPatrol ?? 0,
                })}
          </dd>
        </dl>
      )}
      <h3>{t('console.cell.zones')}</h3>
      {cell ? (
        <ul>
          {(cell.properties.zones ?? []).map((z) => (
            <li key={z.zoneId}>
              {props.zoneNames.get(z.zoneId) ?? z.zoneId} · {Math.round(z.share * 1000) / 10}%
            </li>
          ))}
          {(cell.properties.zones ?? []).length === 0 && <li class="muted">{t('console.cell.noZone')}</li>}
        </ul>
      ) : (
        <p>{t('app.loading')}</p>
      )}
      <h3>{t('console.cell.people')}</h3>
      <ul>
        {people?.map((p) => (
          <li key={p.id}>
            {p.name} · {t(`role.${p.role}` as MessageKey)}
          </li>
        ))}
        {people?.length === 0 && <li class="muted">{t('console.cell.nobody')}</li>}
      </ul>
      <h3>{t('console.cell.openFindings')}</h3>
      <ul>
        {findings?.map((f) => (
          <li key={f.id}>
            <ConsoleLink to={['findings', f.id]}>{f.businessName}</ConsoleLink> ·{' '}
            {t(`finding.status.${f.status}` as MessageKey)}
            {f.overdue && <span class="badge overdue">{t('finding.overdue')}</span>}
          </li>
        ))}
        {findings?.length === 0 && <li class="muted">{t('findings.none')}</li>}
      </ul>
      {MAY_SET_PRIORITY.has(props.me.role) && <PriorityForm {...props} current={n?.manualPriority ?? 0} />}
    </aside>
  );
}

/** A cell's manual priority for the next plans (managers); the week plan's map uses it too. */
export function PriorityForm(
  props: ConsolePageProps & { cellId: string; current: number; onChanged: () => void },
) {
  const [value, setValue] = useState(props.current);
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'error' } | undefined>();
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await props.ctx.api.request('PUT', `/cells/${encodeURIComponent(props.cellId)}/priority`, {
        body: { priority: value },
      });
      setMessage({ text: t('console.cell.prioritySaved', { priority: value }), tone: 'ok' });
      props.onChanged();
    } catch (err) {
      setMessage({ text: errorText(err, t), tone: 'error' });
    }
  };
  return (
    <form class="priority" onSubmit={(e) => void save(e)}>
      <label>
        {t('console.cell.priority')}
        <select
          value={String(value)}
          onChange={(e) => setValue(Number((e.currentTarget as HTMLSelectElement).value))}
        >
          {[0, 1, 2, 3, 4, 5].map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('console.save')}</button>
      {message && (
        <p class={`notice ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
