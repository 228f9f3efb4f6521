/**
 * 人员 (city admins and supervisors): the people of the caller's area, a person created (a city admin)
 * or edited with only the fields their role has, and a deactivation whose consequences — future
 * tasks to reassign, zones left without an officer and whose to-do takes their cases — are shown
 * before it is confirmed (GET /people/{id}/deactivation), then the report the API gives.
 */
import { useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { ApiError, errorText } from '../api';
import type { AppContext } from '../context';
import { language, t } from '../i18n';
import { Problem } from '../notice';
import { useSignal } from '../state';
import { AREA_FIELDS_BY_ROLE, may, type PersonRole, rolesGivenBy } from './b/abilities';
import { Part, Refused, useCaller, useLoad } from './b/ui';

interface Person {
  id: string;
  name: string;
  phone?: string;
  role: PersonRole;
  office?: string;
  zones: string[];
  cells: string[];
  capacity: number;
  availability: { weekdays: number[]; datesOff: string[] };
  conflictCells: string[];
  active: boolean;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

interface AffectedTask {
  id: string;
  date: string;
  shift: string;
  cellId: string;
  as: 'officer' | 'partner';
}
interface DeactivationReport {
  personId: string;
  futureTasks: AffectedTask[];
  newlyFlagged: number;
  zonesWithoutOfficer: string[];
  openFindings: number;
  movedTo: string[];
}

/** A list field as typed: ids separated by commas, spaces, 、 or ；. */
export const idList = (text: string): string[] =>
  text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The PUT body of a person: the record without what the server owns, area fields only where the role has them. */
export function personBody(p: Person): Record<string, unknown> {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...body } = p;
  const has = AREA_FIELDS_BY_ROLE[p.role] as readonly string[];
  return {
    ...body,
    office: has.includes('office') && p.office ? p.office : undefined,
    zones: has.includes('zones') ? p.zones : [],
    cells: has.includes('cells') ? p.cells : [],
    conflictCells: has.includes('conflictCells') ? p.conflictCells : [],
  };
}

const BLANK: Person = {
  id: '',
  name: '',
  role: 'grid_worker',
  zones: [],
  cells: [],
  capacity: 0,
  availability: { weekdays: [1, 2, 3, 4, 5], datesOff: [] },
  conflictCells: [],
  active: true,
};

export function PeoplePage({ ctx }: { ctx: AppContext }) {
  useSignal(language);
  const caller = useCaller(ctx.api);
  const [editing, setEditing] = useState<{ person: Person; isNew: boolean } | undefined>();
  const [deactivating, setDeactivating] = useState<Person | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const list = useLoad(() => ctx.api.request<{ items: Person[] }>('GET', '/people?limit=200'), [ctx.api]);
  const role = caller.data?.role;
  if (caller.error) return <Problem text={caller.error} />;
  if (!role) return <main class="page console">{t('app.loading')}</main>;
  if (!may(role, 'putPerson')) return <Refused title={t('people.title')} />;
  const done = (words: string) => {
    setNotice(words);
    setEditing(undefined);
    setDeactivating(undefined);
    list.reload();
  };

  return (
    <main class="page console">
      <h1>{t('people.title')}</h1>
      {notice && (
        <p class="notice ok" role="status" data-testid="people-notice">
          {notice}
        </p>
      )}
      {role === 'city_admin' && !editing && (
        <button
          type="button"
          class="primary"
          onClick={() => setEditing({ person: { ...BLANK }, isNew: true })}
        >
          {t('people.create')}
        </button>
      )}
      {editing && (
        <PersonForm
          ctx={ctx}
          callerRole={role}
          callerOffice={caller.data?.office}
          start={editing.person}
          isNew={editing.isNew}
          onCancel={() => setEditing(undefined)}
          onSaved={(p) => done(t(editing.isNew ? 'people.created' : 'people.saved', { name: p.name }))}
        />
      )}
      {deactivating && (
        <Deactivation
          ctx={ctx}
          person={deactivating}
          onCancel={() => setDeactivating(undefined)}
          onDone={(words) => done(words)}
        />
      )}
      {may(role, 'importPeople') && <CsvImport ctx={ctx} onImported={(words) => done(words)} />}
      <Part id="people-list" title={t('people.list', { count: list.data?.items.length ?? 0 })}>
        <Problem text={list.error} />
        <table data-testid="people-table">
          <thead>
            <tr>
              <th>{t('people.id')}</th>
              <th>{t('people.name')}</th>
              <th>{t('people.role')}</th>
              <th>{t('people.office')}</th>
              <th>{t('people.area')}</th>
              <th class="n">{t('people.capacity')}</th>
              <th>{t('people.state')}</th>
              <th>
                <span class="visually-hidden">{t('people.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((p) => {
              const manageable = p.id !== caller.data?.id && rolesGivenBy(role).includes(p.role);
              return (
                <tr key={p.id} data-person={p.id} class={p.active ? '' : 'inactive'}>
                  <td>{p.id}</td>
                  <td>{p.name}</td>
                  <td>{t(`role.${p.role}` as MessageKey)}</td>
                  <td>{p.office ?? '—'}</td>
                  <td>{[...p.zones, ...p.cells].join('、') || '—'}</td>
                  <td class="n">{p.capacity}</td>
                  <td>{t(p.active ? 'people.active' : 'people.inactive')}</td>
                  <td>
                    {manageable && (
                      <div class="row">
                        <button type="button" onClick={() => setEditing({ person: p, isNew: false })}>
                          {t('people.edit', { name: p.name })}
                        </button>
                        {p.active && (
                          <button type="button" onClick={() => setDeactivating(p)}>
                            {t('people.deactivate', { name: p.name })}
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Part>
    </main>
  );
}

function PersonForm(props: {
  ctx: AppContext;
  callerRole: string;
  callerOffice?: string;
  start: Person;
  isNew: boolean;
  onCancel: () => void;
  onSaved: (p: Person) => void;
}) {
  const [p, setP] = useState<Person>(() => ({
    ...props.start,
    office: props.start.office ?? (props.callerRole === 'supervisor' ? props.callerOffice : undefined),
  }));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const has = AREA_FIELDS_BY_ROLE[p.role] as readonly string[];
  const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const saved = await props.ctx.api.request<Person>('PUT', `/people/${encodeURIComponent(p.id)}`, {
        body: personBody(p),
      });
      props.onSaved(saved);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Part
      id="person-form"
      title={props.isNew ? t('people.createTitle') : t('people.editTitle', { name: props.start.name })}
    >
      <form onSubmit={save}>
        <div class="row">
          {props.isNew && (
            <label>
              {t('people.id')}
              <input
                value={p.id}
                required
                pattern="[A-Za-z0-9_.@\-]{1,64}"
                onInput={(e) => setP({ ...p, id: text(e) })}
              />
            </label>
          )}
          <label>
            {t('people.name')}
            <input value={p.name} required maxLength={100} onInput={(e) => setP({ ...p, name: text(e) })} />
          </label>
          <label>
            {t('people.phone')}
            <input
              value={p.phone ?? ''}
              type="tel"
              maxLength={32}
              onInput={(e) => setP({ ...p, phone: text(e) || undefined })}
            />
          </label>
          <label>
            {t('people.role')}
            <select value={p.role} onChange={(e) => setP({ ...p, role: text(e) as PersonRole })}>
              {rolesGivenBy(props.callerRole).map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {has.includes('office') && (
            <label>
              {t('people.office')}
              <input
                value={p.office ?? ''}
                readOnly={props.callerRole === 'supervisor'}
                onInput={(e) => setP({ ...p, office: text(e) || undefined })}
              />
            </label>
          )}
          {has.includes('zones') && (
            <label>
              {t('people.zones')}
              <input value={p.zones.join('、')} onInput={(e) => setP({ ...p, zones: idList(text(e)) })} />
            </label>
          )}
          {has.includes('cells') && (
            <label>
              {t('people.cells')}
              <input value={p.cells.join('、')} onInput={(e) => setP({ ...p, cells: idList(text(e)) })} />
            </label>
          )}
          <label>
            {t('people.capacity')}
            <input
              type="number"
              min={0}
              max={100}
              value={p.capacity}
              onInput={(e) => setP({ ...p, capacity: Number(text(e)) || 0 })}
            />
          </label>
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {t('people.save')}
          </button>
          <button type="button" onClick={props.onCancel}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
      <Problem text={error} />
    </Part>
  );
}

/** The consequences, asked before anything is written; the deactivation only on confirmation. */
function Deactivation(props: {
  ctx: AppContext;
  person: Person;
  onCancel: () => void;
  onDone: (words: string) => void;
}) {
  const { ctx, person } = props;
  const preview = useLoad(
    () => ctx.api.request<DeactivationReport>('GET', `/people/${encodeURIComponent(person.id)}/deactivation`),
    [person.id],
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const saved = await ctx.api.request<Person & { deactivation?: DeactivationReport }>(
        'PUT',
        `/people/${encodeURIComponent(person.id)}`,
        { body: personBody({ ...person, active: false }) },
      );
      props.onDone(
        t('people.deactivated', {
          name: person.name,
          tasks: saved.deactivation?.futureTasks.length ?? 0,
        }),
      );
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const r = preview.data;
  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-labelledby="deactivate-title"
      class="card part"
      data-testid="deactivate-confirm"
    >
      <h2 id="deactivate-title">{t('people.deactivateTitle', { name: person.name })}</h2>
      <Problem text={preview.error} />
      {r && (
        <>
          <p data-testid="deactivate-tasks">
            {r.futureTasks.length === 0
              ? t('people.noTasks')
              : t('people.tasksToReassign', { count: r.futureTasks.length })}
          </p>
          {r.futureTasks.length > 0 && (
            <ul>
              {r.futureTasks.map((task) => (
                <li key={task.id}>
                  {t('people.task', {
                    date: task.date,
                    shift: t(`tasks.shift.${task.shift}` as MessageKey),
                    cell: task.cellId,
                    as: t(task.as === 'officer' ? 'people.asOfficer' : 'people.asPartner'),
                  })}
                </li>
              ))}
            </ul>
          )}
          {r.zonesWithoutOfficer.length > 0 && (
            <p data-testid="deactivate-zones">
              {t('people.zonesLeft', {
                zones: r.zonesWithoutOfficer.join('、'),
                open: r.openFindings,
                to: r.movedTo.join('、') || t('people.nobody'),
              })}
            </p>
          )}
          <div class="row">
            <button type="button" class="primary" disabled={busy} onClick={confirm}>
              {t('people.confirmDeactivate')}
            </button>
            <button type="button" onClick={props.onCancel}>
              {t('action.cancel')}
            </button>
          </div>
        </>
      )}
      <Problem text={error} />
    </div>
  );
}

interface ImportAnswer {
  imported: number;
  created: string[];
  updated: string[];
  deactivations: DeactivationReport[];
}

/** A people CSV sent whole; a refusal lists every problem by line and field, as the API names them. */
function CsvImport({ ctx, onImported }: { ctx: AppContext; onImported: (words: string) => void }) {
  const [file, setFile] = useState<File | undefined>();
  const [problems, setProblems] = useState<{ line?: number; field: string; message: string }[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setProblems([]);
    if (!file) return;
    setBusy(true);
    try {
      const answer = await ctx.api.request<ImportAnswer>('POST', '/people/imports', {
        body: { csv: await file.text() },
      });
      onImported(
        t('people.imported', {
          count: answer.imported,
          created: answer.created.length,
          updated: answer.updated.length,
          tasks: answer.deactivations.reduce((n, d) => n + d.futureTasks.length, 0),
        }),
      );
    } catch (err) {
      // A refused file's words, then its problems as a table (not run together in one sentence).
      const refused = err instanceof ApiError && err.kind === 'unprocessable';
      setError(refused ? t('error.unprocessable', { message: err.message }) : errorText(err, t));
      if (refused)
        setProblems(
          err.details.map((d) => ({
            ...(typeof d.line === 'number' ? { line: d.line } : {}),
            field: typeof d.field === 'string' ? d.field : d.path,
            message: d.message,
          })),
        );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Part id="people-import" title={t('people.import')}>
      <form class="row" onSubmit={send}>
        <label>
          {t('people.csvFile')}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0])}
          />
        </label>
        <button type="submit" disabled={busy || !file}>
          {t('people.importButton')}
        </button>
      </form>
      <p class="muted">{t('people.csvColumns')}</p>
      <Problem text={error} />
      {problems.length > 0 && (
        <table data-testid="import-problems">
          <thead>
            <tr>
              <th class="n">{t('people.csvLine')}</th>
              <th>{t('people.csvField')}</th>
              <th>{t('people.csvProblem')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={`${p.line}-${p.field}-${i}`}>
                <td class="n">{p.line ?? '—'}</td>
                <td>{p.field || '—'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Part>
  );
}
