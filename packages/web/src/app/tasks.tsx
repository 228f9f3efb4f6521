/**
 * 今日任务: today's and this week's patrol tasks in visiting order, each with its shift window in
 * the city's time, the partner (tap to call), the cell on a map with its open findings, why the
 * cell was chosen, and 签到 / 完成. Refusals are told in the person's language from the API's
 * details (distance and allowance, window), never as raw JSON.
 */
import type { GeoJsonObject } from 'geojson';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { ApiError, errorText, RETRYABLE } from './api';
import { currentToken } from './auth';
import { type AppContext, cityDate, cityTime, cityToday, requestOnce } from './context';
import { currentPosition, GeolocationError, hasGeolocation } from './geo';
import { language, t } from './i18n';
import { CellMap } from './map';
import { LoadStatus } from './notice';
import { acknowledged, type OutboxItem } from './outbox';
import { PhotoPicker } from './photo-picker';
import type { PendingPhoto } from './photos';
import { refusalText } from './refusals';
import { useSignal } from './state';

interface Counted {
  count: number;
  points: number;
}

export interface MyTask {
  id: string;
  status: 'assigned' | 'completed' | 'missed';
  as: 'officer' | 'partner';
  cell: { id: string; name: string; geometry: GeoJsonObject | null };
  partner: { id: string; name: string; role: string; phone?: string };
  shift: { date: string; name: string; start: string; end: string };
  reasons?: { risk?: { components?: Record<string, Counted> }; pair?: string[] };
  checkIns: { personId: string; at: string; distanceM?: number }[];
  completion?: { joint: boolean; missing: string[] };
  openFindings: {
    id: string;
    businessName: string;
    address?: string;
    status: string;
    overdue: boolean;
    lon: number;
    lat: number;
  }[];
  visit?: { position: number; of: number };
}

interface MyTasks {
  items: MyTask[];
  shifts: { date: string; name: string; taskIds: string[] }[];
}

/**
 * Tasks in visiting order: by shift, then by the place in the officer's round the API gives both
 * partners (`visit`), then by cell.
 */
export function inVisitingOrder(data: MyTasks): MyTask[] {
  return [...data.items].sort(
    (a, b) =>
      a.shift.start.localeCompare(b.shift.start) ||
      (a.visit?.position ?? 0) - (b.visit?.position ?? 0) ||
      a.cell.id.localeCompare(b.cell.id),
  );
}

/** Why the cell was chosen, in words. */
export function reasonWords(task: MyTask): string[] {
  const words: string[] = [];
  for (const [name, c] of Object.entries(task.reasons?.risk?.components ?? {}))
    if (c.count > 0 && `reason.${name}` in REASON_KEYS)
      words.push(t(`reason.${name}` as MessageKey, { count: c.count }));
  for (const code of task.reasons?.pair ?? []) {
    const key = `reason.pair.${code}` as MessageKey;
    words.push(REASON_KEYS[key] ? t(key) : code);
  }
  return words.length ? words : [t('reason.none')];
}

const REASON_KEYS: Record<string, true> = Object.fromEntries(
  [
    'reason.open',
    'reason.overdue',
    'reason.recent',
    'reason.reopened',
    'reason.staleness',
    'reason.manualPriority',
    'reason.pair.primary_zone',
    'reason.pair.secondary_zone',
    'reason.pair.least_loaded',
    'reason.pair.rotated',
    'reason.pair.repeat_no_alternative',
    'reason.pair.near_own_tasks',
    'reason.pair.partner_least_needed',
    'reason.pair.drawn',
    'reason.pair.improvement',
  ].map((k) => [k, true]),
);

/** The words a refusal is told in: the person's language, the city's clock. */
const refusalWords = (ctx: AppContext) => ({ t, cityTime: (iso: string) => cityTime(ctx.config, iso) });

export function TasksPage({ ctx, personId }: { ctx: AppContext; personId: string }) {
  const lang = useSignal(language);
  const sent = useSignal(acknowledged);
  const [data, setData] = useState<MyTasks | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState<OutboxItem[]>([]);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    const saved = `gp.tasks.${personId}`;
    requestOnce<MyTasks>(ctx, '/me/tasks', currentToken()).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        try {
          localStorage.setItem(saved, JSON.stringify(d));
        } catch {
          // Full or private: the list is not kept for offline use, nothing else changes.
        }
      },
      (err) => {
        if (!live) return;
        setError(errorText(err, t));
        // Without a connection, the list as last loaded: the day's work goes on offline.
        if (err instanceof ApiError && RETRYABLE.has(err.kind))
          try {
            const last = JSON.parse(localStorage.getItem(saved) ?? 'null') as MyTasks | null;
            if (last) setData((d) => d ?? last);
          } catch {
            // Nothing kept.
          }
      },
    );
    void ctx.outbox.pending().then((p) => live && setPending(p));
    return () => {
      live = false;
    };
  }, [sent, reloads]);

  const ordered = useMemo(() => (data ? inVisitingOrder(data) : []), [data]);
  const today = cityToday(ctx.config);
  const todays = ordered.filter((x) => x.shift.date === today);
  const later = ordered.filter((x) => x.shift.date !== today);
  const reload = () => setReloads((n) => n + 1);
  /** Today's tasks open with their actions; the rest of the week's closed. */
  const card = (task: MyTask, open: boolean) => (
    <TaskCard
      key={task.id}
      ctx={ctx}
      task={task}
      personId={personId}
      pending={pending}
      onChanged={reload}
      open={open}
    />
  );

  return (
    <main class="page" lang={lang}>
      <h1>{t('tasks.title')}</h1>
      <LoadStatus
        error={error}
        loaded={data !== undefined}
        empty={data && todays.length === 0 && t('tasks.none')}
        reload={reload}
      />
      {todays.map((task) => card(task, true))}
      {data && (
        <>
          <h2>{t('tasks.week')}</h2>
          {later.length === 0 && <p class="empty">{t('tasks.noneWeek')}</p>}
          {later.map((task) => card(task, false))}
        </>
      )}
    </main>
  );
}

function TaskCard(props: {
  ctx: AppContext;
  task: MyTask;
  personId: string;
  pending: OutboxItem[];
  onChanged: () => void;
  open?: boolean;
}) {
  const { ctx, task, personId } = props;
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'warn' | 'error' } | undefined>();
  const [completing, setCompleting] = useState(false);
  const mine = task.checkIns.find((c) => c.personId === personId);
  const queuedHere = props.pending.filter((p) => p.path.startsWith(`/tasks/${encodeURIComponent(task.id)}/`));
  const shiftName = ['am', 'pm'].includes(task.shift.name)
    ? t(`tasks.shift.${task.shift.name}` as MessageKey)
    : task.shift.name;
  const cells = useMemo(() => [{ name: task.cell.name, geometry: task.cell.geometry }], [task.cell.id]);
  const points = useMemo(
    () => task.openFindings.map((f) => ({ lon: f.lon, lat: f.lat, label: f.businessName })),
    [task.openFindings.length],
  );

  const checkIn = async () => {
    setMessage(undefined);
    setBusy(t('tasks.locating'));
    try {
      const fix = await currentPosition();
      const result = await ctx.outbox.submit(
        'checkIn',
        `/tasks/${encodeURIComponent(task.id)}/check-in`,
        { lon: fix.lon, lat: fix.lat, accuracyM: fix.accuracyM },
        task.cell.name,
      );
      setMessage(
        result.state === 'sent'
          ? { text: t('tasks.checkedInOk'), tone: 'ok' }
          : { text: t('outbox.queued'), tone: 'warn' },
      );
      props.onChanged();
    } catch (err) {
      const text =
        err instanceof GeolocationError
          ? t(err.denied ? 'error.geolocationDenied' : 'error.geolocationFailed')
          : t('tasks.refused', { reason: refusalText(err, task, refusalWords(ctx)) });
      setMessage({ text, tone: 'error' });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <article class={`task ${task.status}`} data-task={task.id}>
      <header>
        <h3>
          {task.visit && <span class="visit">{t('tasks.visit', task.visit)}</span>} {task.cell.name}
        </h3>
        <span class={`badge ${task.status}`}>{t(`tasks.status.${task.status}` as MessageKey)}</span>
      </header>
      <p class="window">
        {t('tasks.window', {
          date: cityDate(task.shift.date, language.get()),
          shift: shiftName,
          start: cityTime(ctx.config, task.shift.start),
          end: cityTime(ctx.config, task.shift.end),
        })}
      </p>
      <p class="partner">
        {t('tasks.partner', { name: task.partner.name })}{' '}
        {task.partner.phone ? (
          <a class="call" href={`tel:${task.partner.phone}`}>
            {t('tasks.call')} {task.partner.phone}
          </a>
        ) : (
          <span class="muted">({t('tasks.noPhone')})</span>
        )}
      </p>
      <JointState task={task} personId={personId} config={ctx.config} />
      {props.open && (
        <>
          <CellMap config={ctx.config} cells={cells} points={points} label={task.cell.name} />
          <details>
            <summary>{t('tasks.why')}</summary>
            <ul class="reasons">
              {reasonWords(task).map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </details>
          <h4>{t('tasks.findings', { count: task.openFindings.length })}</h4>
          {task.openFindings.length === 0 ? (
            <p class="muted">{t('tasks.noFindings')}</p>
          ) : (
            <ul class="findings">
              {task.openFindings.map((f) => (
                <li key={f.id}>
                  <strong>{f.businessName}</strong> · {t(`finding.status.${f.status}` as MessageKey)}
                  {f.overdue && <span class="badge overdue">{t('finding.overdue')}</span>}
                  {f.address && <div class="muted">{f.address}</div>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {queuedHere.map((q) => (
        <p key={q.key} class="notice warn">
          {t(`outbox.kind.${q.kind}` as MessageKey)}: {t('outbox.queued')}
        </p>
      ))}
      {message && (
        <p class={`notice ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
          {message.text}
          {message.tone === 'error' && /—|刷新/.test(message.text) && (
            <button type="button" onClick={props.onChanged}>
              {t('error.reload')}
            </button>
          )}
        </p>
      )}
      {busy && <p class="muted">{busy}</p>}
      {task.status === 'assigned' && (
        <div class="actions">
          {!mine && (
            <button
              type="button"
              class="primary"
              disabled={!!busy || !hasGeolocation()}
              onClick={() => void checkIn()}
            >
              {t('tasks.checkIn')}
            </button>
          )}
          {mine && !completing && (
            <button type="button" class="primary" onClick={() => setCompleting(true)}>
              {t('tasks.complete')}
            </button>
          )}
        </div>
      )}
      {completing && task.status === 'assigned' && (
        <CompleteForm
          ctx={ctx}
          task={task}
          onDone={(text, tone) => {
            setMessage({ text, tone });
            if (tone !== 'error') {
              setCompleting(false);
              props.onChanged();
            }
          }}
        />
      )}
    </article>
  );
}

function JointState({
  task,
  personId,
  config,
}: {
  task: MyTask;
  personId: string;
  config: AppContext['config'];
}) {
  if (task.completion)
    return (
      <p class={`joint ${task.completion.joint ? 'yes' : 'no'}`} data-joint={String(task.completion.joint)}>
        {task.completion.joint
          ? t('tasks.jointDone')
          : t('tasks.soloDone', {
              missing: task.completion.missing
                .map((id) => (id === task.partner.id ? task.partner.name : id))
                .join('、'),
            })}
      </p>
    );
  const nameOf = (id: string) =>
    id === personId ? (language.get() === 'en' ? 'You' : '您') : task.partner.name;
  const present = [personId, task.partner.id].filter((id) => task.checkIns.some((c) => c.personId === id));
  const both = present.length === 2;
  return (
    <div class="checkins">
      {[personId, task.partner.id].map((id) => {
        const c = task.checkIns.find((x) => x.personId === id);
        return (
          <p key={id} class={c ? 'in' : 'out'}>
            {c
              ? t('tasks.checkedIn', {
                  name: nameOf(id),
                  time: cityTime(config, c.at),
                  distance: Math.round(c.distanceM ?? 0),
                })
              : t('tasks.notCheckedIn', { name: nameOf(id) })}
          </p>
        );
      })}
      <p class={`joint ${both ? 'yes' : 'no'}`} data-joint={String(both)}>
        {t(both ? 'tasks.joint' : present.length === 1 ? 'tasks.solo' : 'tasks.jointHint')}
      </p>
    </div>
  );
}

type CheckValue = 'ok' | 'issue' | 'not_applicable';
const CHECKS = ['safety', 'food', 'license'] as const;

function CompleteForm(props: {
  ctx: AppContext;
  task: MyTask;
  onDone: (text: string, tone: 'ok' | 'warn' | 'error') => void;
}) {
  const [checks, setChecks] = useState<Record<(typeof CHECKS)[number], CheckValue>>({
    safety: 'ok',
    food: 'ok',
    license: 'ok',
  });
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [photos, setPhotos] = useState<PendingPhoto[]>([]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const result = await props.ctx.outbox.submit(
        'complete',
        `/tasks/${encodeURIComponent(props.task.id)}/complete`,
        { checks, ...(note.trim() ? { note: note.trim() } : {}) },
        props.task.cell.name,
        { slotPath: `/tasks/${encodeURIComponent(props.task.id)}/attachments`, photos },
      );
      props.onDone(
        result.state === 'sent' ? t('tasks.completedOk') : t('outbox.queued'),
        result.state === 'sent' ? 'ok' : 'warn',
      );
    } catch (err) {
      // The form stays as typed: only the message changes.
      props.onDone(refusalText(err, props.task, refusalWords(props.ctx)), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="complete" onSubmit={(e) => void submit(e)}>
      <h4>{t('tasks.completeTitle')}</h4>
      {CHECKS.map((name) => (
        <fieldset key={name}>
          <legend>{t(`tasks.check.${name}` as MessageKey)}</legend>
          {(['ok', 'issue', 'not_applicable'] as const).map((v) => (
            <label key={v} class="choice">
              <input
                type="radio"
                name={`check-${name}`}
                value={v}
                checked={checks[name] === v}
                onChange={() => setChecks({ ...checks, [name]: v })}
              />
              {t(`tasks.checkValue.${v}` as MessageKey)}
            </label>
          ))}
        </fieldset>
      ))}
      <label>
        {t('tasks.note')}
        <textarea name="note" value={note} maxLength={2000} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <PhotoPicker photos={photos} onChange={setPhotos} />
      <button type="submit" class="primary" disabled={busy}>
        {t('tasks.submit')}
      </button>
    </form>
  );
}
