/**
 * 我的事项: what the person reported and its state, and for those with cases to act on (zone
 * officers, supervisors, admins) the to-do with the actions the API says they may take now
 * (`allowedActions`). Every action sends the finding's `expectedVersion`; a 409 says someone else
 * changed it first. A licence's credit code is checked on the device before it is sent.
 */
import { usccFault } from '@gridpatrol/core/findings/uscc';
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { errorText, newIdempotencyKey } from './api';
import { type AppContext, cityTime } from './context';
import { FindingHistory } from './finding-history';
import { language, t } from './i18n';
import { Problem } from './notice';
import { PhotoPicker } from './photo-picker';
import { keyPhotos, type PendingPhoto, uploadPhotos } from './photos';
import { useSignal } from './state';
import { Tabs } from './tabs';

/** A finding as the API lists it, as far as the pages read it (the console's queue shows the same). */
export interface Finding {
  id: string;
  version: number;
  status: string;
  businessName: string;
  address: string;
  reportedAt: string;
  overdue?: boolean;
  deadline?: string;
  possibleDuplicateOf?: string;
  allowedActions?: string[];
}

const ACTING_ROLES = new Set(['city_admin', 'supervisor', 'zone_officer']);

export function FindingsPage({ ctx, role }: { ctx: AppContext; role: string }) {
  useSignal(language);
  const [view, setView] = useState<'reported' | 'todo'>(ACTING_ROLES.has(role) ? 'todo' : 'reported');
  const [items, setItems] = useState<Finding[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [reloads, setReloads] = useState(0);
  const reload = () => setReloads((n) => n + 1);

  useEffect(() => {
    let live = true;
    setItems(undefined);
    ctx.api.request<{ items: Finding[] }>('GET', `/me/findings?view=${view}&limit=50`).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setError(undefined);
      },
      (err) => {
        if (live) setError(errorText(err, t));
      },
    );
    return () => {
      live = false;
    };
  }, [view, reloads]);

  return (
    <main class="page">
      <h1>{t('findings.title')}</h1>
      <Tabs
        views={ACTING_ROLES.has(role) ? (['todo', 'reported'] as const) : (['reported'] as const)}
        current={view}
        label={(v) => t(v === 'todo' ? 'findings.todo' : 'findings.reported')}
        onSelect={setView}
      />
      <Problem text={error} reload={reload} />
      {items?.length === 0 && <p class="empty">{t('findings.none')}</p>}
      {items?.map((f) => (
        <FindingCard
          key={`${f.id}-${f.version}`}
          ctx={ctx}
          finding={f}
          duplicate={items.find((d) => d.id === f.possibleDuplicateOf)}
          onChanged={reload}
        />
      ))}
    </main>
  );
}

/** The end of a local date in the city, as the API wants a deadline (an instant with offset). */
export function endOfCityDay(date: string, timeZone: string): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(noon)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name === 'GMT' ? '+00:00' : name.slice(3);
  return `${date}T23:59:59${offset}`;
}

/** One finding with the actions the caller may take on it now; the console's queue shows the same card. */
export function FindingCard({
  ctx,
  finding,
  duplicate,
  onChanged,
}: {
  ctx: AppContext;
  finding: Finding;
  /** The finding this one may repeat, when it is in the same list: named rather than by its id. */
  duplicate: Finding | undefined;
  onChanged: () => void;
}) {
  const [action, setAction] = useState<string | undefined>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'error' } | undefined>();
  const [busy, setBusy] = useState(false);
  const [photos, setPhotos] = useState<PendingPhoto[]>([]);
  const [history, setHistory] = useState(false);
  const field = (name: string) => (e: Event) =>
    setFields({ ...fields, [name]: (e.currentTarget as HTMLInputElement).value });

  const send = async (e: Event) => {
    e.preventDefault();
    if (!action) return;
    const body: Record<string, unknown> = { action, expectedVersion: finding.version };
    const need = (name: string, label: MessageKey): string | undefined => {
      const value = fields[name]?.trim();
      if (!value) throw new Error(t('field.required', { field: t(label) }));
      return value;
    };
    try {
      if (fields.note?.trim()) body.note = fields.note.trim();
      if (['order_rectification', 'extend_deadline', 'reopen'].includes(action))
        body.deadline = endOfCityDay(need('deadline', 'field.deadline') as string, ctx.config.city.timeZone);
      if (action === 'extend_deadline') body.note = need('note', 'field.note');
      if (action === 'reject') {
        body.reason = fields.reason ?? 'not_found';
        if (fields.duplicateOf?.trim()) body.duplicateOf = fields.duplicateOf.trim();
      }
      if (action === 'transfer') {
        body.department = fields.department ?? ctx.config.departments[0]?.id;
        body.receiptNo = need('receiptNo', 'field.receiptNo');
        if (fields.deadline) body.deadline = endOfCityDay(fields.deadline, ctx.config.city.timeZone);
      }
      if (action === 'resolve') body.outcome = fields.outcome ?? 'licensed';
      if (
        (action === 'resolve' && body.outcome === 'licensed') ||
        (action === 'reject' && body.reason === 'already_licensed')
      ) {
        const code = need('uscc', 'field.uscc')?.toUpperCase().replace(/\s/g, '') as string;
        // Checked on the device, in the person's words (the API's catalogue is not in the app).
        const fault = usccFault(code);
        if (fault) {
          const { kind, ...values } = fault;
          throw new Error(t('field.usccInvalid', { problem: t(`uscc.${kind}`, values) }));
        }
        body.uscc = code;
      }
    } catch (err) {
      return setMessage({ text: (err as Error).message, tone: 'error' });
    }
    setBusy(true);
    setMessage(undefined);
    // Keys made now, kept with the photos: pressing again after an error reuses each photo's slot.
    const keyed = keyPhotos(photos, newIdempotencyKey);
    setPhotos(keyed);
    try {
      const findingPath = `/findings/${encodeURIComponent(finding.id)}`;
      if (keyed.length) body.photos = await uploadPhotos(ctx.api, `${findingPath}/attachments`, keyed);
      const after = await ctx.api.request<Finding>('POST', `${findingPath}/actions`, { body });
      setMessage({
        text: t('findings.done', { status: t(`finding.status.${after.status}` as MessageKey) }),
        tone: 'ok',
      });
      setAction(undefined);
      setPhotos([]);
      setTimeout(onChanged, 800);
    } catch (err) {
      // What was typed stays in the form.
      setMessage({ text: errorText(err, t), tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const date = (name: string, required: boolean) => (
    <label>
      {t('field.deadline')}
      <input type="date" name={name} value={fields[name] ?? ''} required={required} onInput={field(name)} />
    </label>
  );

  return (
    <article class="finding" data-finding={finding.id}>
      <header>
        <h3>{finding.businessName}</h3>
        <span class="badge">{t(`finding.status.${finding.status}` as MessageKey)}</span>
      </header>
      <p class="muted">
        {finding.address} ·{' '}
        {t('findings.reportedAt', {
          time: new Date(finding.reportedAt).toLocaleDateString(language.get(), {
            timeZone: ctx.config.city.timeZone,
          }),
        })}
      </p>
      {finding.deadline && (
        <p class={finding.overdue ? 'notice error' : 'muted'}>
          {t('findings.deadline', {
            time: `${new Date(finding.deadline).toLocaleDateString(language.get(), { timeZone: ctx.config.city.timeZone })} ${cityTime(ctx.config, finding.deadline)}`,
          })}
          {finding.overdue && ` · ${t('finding.overdue')}`}
        </p>
      )}
      {finding.possibleDuplicateOf && (
        <p class="notice warn">
          {duplicate
            ? t('findings.duplicateOfNamed', { name: duplicate.businessName, address: duplicate.address })
            : t('findings.duplicateOf', { id: finding.possibleDuplicateOf })}
        </p>
      )}
      {message && (
        <p class={`notice ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
          {message.text}
          {message.tone === 'error' && /—|刷新/.test(message.text) && (
            <button type="button" onClick={onChanged}>
              {t('error.reload')}
            </button>
          )}
        </p>
      )}
      {!action && (finding.allowedActions?.length ?? 0) > 0 && (
        <div class="action-buttons">
          {finding.allowedActions?.map((a) => (
            <button key={a} type="button" onClick={() => setAction(a)}>
              {t(`action.${a}` as MessageKey)}
            </button>
          ))}
        </div>
      )}
      {action && (
        <form class="action" onSubmit={(e) => void send(e)} noValidate>
          <h4>{t(`action.${action}` as MessageKey)}</h4>
          {['order_rectification', 'extend_deadline', 'reopen'].includes(action) && date('deadline', true)}
          {action === 'reject' && (
            <>
              <label>
                {t('field.reason')}
                <select name="reason" value={fields.reason ?? 'not_found'} onChange={field('reason')}>
                  {(['not_found', 'duplicate', 'already_licensed'] as const).map((r) => (
                    <option key={r} value={r}>
                      {t(`field.reason.${r}`)}
                    </option>
                  ))}
                </select>
              </label>
              {fields.reason === 'duplicate' && (
                <label>
                  {t('field.duplicateOf')}
                  <input
                    name="duplicateOf"
                    value={fields.duplicateOf ?? finding.possibleDuplicateOf ?? ''}
                    onInput={field('duplicateOf')}
                  />
                </label>
              )}
            </>
          )}
          {action === 'transfer' && (
            <>
              <label>
                {t('field.department')}
                <select
                  name="department"
                  value={fields.department ?? ctx.config.departments[0]?.id}
                  onChange={field('department')}
                >
                  {ctx.config.departments.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('field.receiptNo')}
                <input
                  name="receiptNo"
                  value={fields.receiptNo ?? ''}
                  maxLength={64}
                  onInput={field('receiptNo')}
                />
              </label>
              {date('deadline', false)}
            </>
          )}
          {action === 'resolve' && (
            <label>
              {t('field.outcome')}
              <select name="outcome" value={fields.outcome ?? 'licensed'} onChange={field('outcome')}>
                {(['licensed', 'ceased', 'moved_away'] as const).map((o) => (
                  <option key={o} value={o}>
                    {t(`field.outcome.${o}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {((action === 'resolve' && (fields.outcome ?? 'licensed') === 'licensed') ||
            (action === 'reject' && fields.reason === 'already_licensed')) && (
            <label>
              {t('field.uscc')}
              <input
                name="uscc"
                value={fields.uscc ?? ''}
                maxLength={24}
                autoCapitalize="characters"
                onInput={field('uscc')}
              />
            </label>
          )}
          <label>
            {t('field.note')}
            <textarea name="note" value={fields.note ?? ''} maxLength={2000} onInput={field('note')} />
          </label>
          <PhotoPicker photos={photos} onChange={setPhotos} />
          <div class="action-buttons">
            <button type="submit" class="primary" disabled={busy}>
              {t('action.send')}
            </button>
            <button type="button" onClick={() => setAction(undefined)}>
              {t('action.cancel')}
            </button>
          </div>
        </form>
      )}
      <button
        type="button"
        class="history-toggle"
        aria-expanded={history}
        onClick={() => setHistory(!history)}
      >
        {t(history ? 'history.hide' : 'history.show')}
      </button>
      {history && <FindingHistory ctx={ctx} findingId={finding.id} />}
    </article>
  );
}
