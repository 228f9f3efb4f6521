/**
 * 上报: a finding at the device's position (the marker can be dragged to the shop's door), with
 * name, type (the city's categories), kind, address and note. What the person typed is kept as a
 * draft on the device until the report is sent or queued: an error, a reload or a sign-in again
 * loses nothing. The server links a near duplicate; the page says so.
 */
import { useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { ApiError, errorText, photoDetailText, requiredPhotoText } from './api';
import type { AppContext } from './context';
import { currentPosition, GeolocationError, hasGeolocation } from './geo';
import { t } from './i18n';
import { CellMap } from './map';
import { PhotoPicker } from './photo-picker';
import type { PendingPhoto } from './photos';

interface Draft {
  lon?: number;
  lat?: number;
  accuracyM?: number;
  businessName: string;
  businessType: string;
  kind: 'unlicensed' | 'unpermitted' | 'both';
  address: string;
  note: string;
}

const DRAFT_KEY = 'gp.reportDraft';
const KINDS = ['unlicensed', 'unpermitted', 'both'] as const;
/** Which field an API detail path names. */
const FIELD_OF: Record<string, MessageKey> = {
  'body.businessName': 'report.businessName',
  'body.businessType': 'report.businessType',
  'body.kind': 'report.kind',
  'body.address': 'report.address',
  'body.note': 'report.note',
  'body.lon': 'report.position',
  'body.lat': 'report.position',
  'body.photos': 'photo.legend',
};

function loadDraft(defaultType: string): Draft {
  const empty: Draft = {
    businessName: '',
    businessType: defaultType,
    kind: 'unlicensed',
    address: '',
    note: '',
  };
  try {
    return { ...empty, ...(JSON.parse(localStorage.getItem(DRAFT_KEY) ?? '{}') as Partial<Draft>) };
  } catch {
    return empty;
  }
}

function saveDraft(draft: Draft | undefined): void {
  try {
    if (draft) localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else localStorage.removeItem(DRAFT_KEY);
  } catch {
    // Private mode: the draft lives as long as the page.
  }
}

interface Reported {
  id: string;
  possibleDuplicateOf?: string;
}

export function ReportPage({ ctx }: { ctx: AppContext }) {
  const [draft, setDraftState] = useState<Draft>(() => {
    const saved = loadDraft(ctx.config.categories[0]?.id ?? '');
    // No geolocation in this browser: the marker starts in the middle of the city, to be dragged.
    if (saved.lon === undefined && !hasGeolocation()) {
      const [lon, lat] = ctx.config.city.center;
      return { ...saved, lon, lat };
    }
    return saved;
  });
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'warn' | 'error' } | undefined>();
  const [busy, setBusy] = useState(false);
  // Photos live as long as the page (a Blob does not fit the draft in localStorage); queued, they are kept.
  const [photos, setPhotos] = useState<PendingPhoto[]>([]);
  const setDraft = (next: Draft) => {
    setDraftState(next);
    saveDraft(next);
  };
  const set = (field: keyof Draft) => (e: Event) =>
    setDraft({ ...draft, [field]: (e.currentTarget as HTMLInputElement).value });
  const noCells = useMemo(() => [], []);
  const marker =
    draft.lon !== undefined && draft.lat !== undefined ? { lon: draft.lon, lat: draft.lat } : undefined;

  const locate = async () => {
    setMessage(undefined);
    try {
      const fix = await currentPosition();
      setDraft({ ...draft, lon: fix.lon, lat: fix.lat, accuracyM: fix.accuracyM });
    } catch (err) {
      const denied = err instanceof GeolocationError && err.denied;
      setMessage({ text: t(denied ? 'error.geolocationDenied' : 'error.geolocationFailed'), tone: 'error' });
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const missing = (['businessName', 'address'] as const).find((f) => !draft[f].trim());
    if (draft.lon === undefined || draft.lat === undefined)
      return setMessage({ text: t('report.needPosition'), tone: 'error' });
    if (missing)
      return setMessage({
        text: t('report.required', {
          field: t(missing === 'address' ? 'report.address' : 'report.businessName'),
        }),
        tone: 'error',
      });
    setBusy(true);
    setMessage(undefined);
    const body = {
      lon: draft.lon,
      lat: draft.lat,
      ...(draft.accuracyM !== undefined ? { accuracyM: draft.accuracyM } : {}),
      businessName: draft.businessName.trim(),
      businessType: draft.businessType,
      kind: draft.kind,
      address: draft.address.trim(),
      ...(draft.note.trim() ? { note: draft.note.trim() } : {}),
    };
    try {
      const result = await ctx.outbox.submit<Reported>('report', '/findings', body, body.businessName, {
        slotPath: '/me/attachments',
        photos,
      });
      if (result.state === 'sent') {
        const dup = result.response.possibleDuplicateOf;
        setMessage({
          text: `${t('report.sent', { id: result.response.id })}${dup ? ` ${t('report.duplicate', { id: dup })}` : ''}`,
          tone: dup ? 'warn' : 'ok',
        });
      } else setMessage({ text: t('outbox.queued'), tone: 'warn' });
      setPhotos([]);
      // Sent or safely queued: the form starts afresh, keeping the place for the next shop nearby.
      setDraft({
        ...loadDraft(draft.businessType),
        lon: draft.lon,
        lat: draft.lat,
        accuracyM: draft.accuracyM,
        businessName: '',
        address: '',
        note: '',
      });
    } catch (err) {
      setMessage({ text: reportErrorText(err), tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page">
      <h1>{t('report.title')}</h1>
      <form class="report" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>{t('report.position')}</legend>
          <CellMap
            config={ctx.config}
            cells={noCells}
            marker={marker}
            onMove={(lon, lat) => setDraft({ ...draft, lon, lat })}
            label={t('report.position')}
          />
          <p class="muted" data-testid="position">
            {marker
              ? `${marker.lat.toFixed(6)}, ${marker.lon.toFixed(6)}${draft.accuracyM !== undefined ? ` · ${t('report.accuracy', { meters: Math.round(draft.accuracyM) })}` : ''}`
              : t('report.noPosition')}
          </p>
          <button type="button" onClick={() => void locate()} disabled={!hasGeolocation()}>
            {t('report.locate')}
          </button>
        </fieldset>
        <label>
          {t('report.businessName')}
          <input
            name="businessName"
            value={draft.businessName}
            maxLength={100}
            onInput={set('businessName')}
            required
          />
        </label>
        <label>
          {t('report.businessType')}
          <select name="businessType" value={draft.businessType} onChange={set('businessType')}>
            {ctx.config.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('report.kind')}
          <select name="kind" value={draft.kind} onChange={set('kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`report.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('report.address')}
          <input name="address" value={draft.address} maxLength={200} onInput={set('address')} required />
        </label>
        <label>
          {t('report.note')}
          <textarea name="note" value={draft.note} maxLength={2000} onInput={set('note')} />
        </label>
        <PhotoPicker photos={photos} onChange={setPhotos} />
        {message && (
          <p
            class={`notice ${message.tone}`}
            role={message.tone === 'error' ? 'alert' : 'status'}
            data-testid="report-message"
          >
            {message.text}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('report.submit')}
        </button>
      </form>
    </main>
  );
}

/** A refused report names the fields in the person's language. */
function reportErrorText(err: unknown): string {
  if (
    err instanceof ApiError &&
    (err.kind === 'unprocessable' || err.kind === 'bad_request') &&
    err.details.length
  ) {
    const required = requiredPhotoText(err, t);
    if (required) return required;
    const named = err.details.map((d) => {
      const photo = photoDetailText(d, t);
      if (photo) return photo;
      const field = FIELD_OF[d.path];
      return `${field ? t(field) : d.path}: ${d.message}`;
    });
    return t(err.kind === 'unprocessable' ? 'error.unprocessable' : 'error.badRequest', {
      message: named.join('；'),
    });
  }
  return errorText(err, t);
}
