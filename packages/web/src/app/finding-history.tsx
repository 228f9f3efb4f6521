/**
 * A finding's history (GET /findings/{id}/history): who did what and when in the city's time, and
 * each photo with what the server found (docs/decisions/0051): its flags of time and place in
 * words, a refusal with its reason, and the picture itself through a link of a few minutes
 * (GET /findings/{id}/attachments/{attachmentId}), fetched only when the history is opened.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { errorText, stepWords } from './api';
import type { AppContext } from './context';
import { language, t } from './i18n';
import { Problem } from './notice';
import { useSignal } from './state';

interface Step {
  version: number;
  at: string;
  actorId: string;
  /** The API names the people the caller may see; the id stands for anyone else. */
  actorName?: string;
  action: string;
  to: string;
  note?: string;
}

interface Photo {
  id: string;
  status: 'pending' | 'verified' | 'rejected';
  flags?: string[];
  rejectReason?: string;
  referencedBy?: { action: string };
  exif?: { takenAt?: string };
}

/** Who took a step: the person's name, their id where the API gives no name, or the system. */
export const actorText = (s: { actorId: string; actorName?: string }) =>
  s.actorId === 'system' ? t('console.history.system') : (s.actorName ?? s.actorId);

/** A system step (overdue, revisit due) by the state it led to; a person's by what they did. */
const stepText = (s: Step) =>
  s.actorId === 'system' ? t(`finding.status.${s.to}` as MessageKey) : stepWords(s.action, t);

export function FindingHistory({ ctx, findingId }: { ctx: AppContext; findingId: string }) {
  useSignal(language);
  const [history, setHistory] = useState<{ items: Step[]; photos: Photo[] } | undefined>();
  const [links, setLinks] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const path = `/findings/${encodeURIComponent(findingId)}`;

  useEffect(() => {
    let live = true;
    ctx.api.request<{ items: Step[]; photos: Photo[] }>('GET', `${path}/history?limit=100`).then(
      async (h) => {
        if (!live) return;
        setHistory(h);
        // A rejected photo is never served; the others get a link each, side by side.
        const served = h.photos.filter((p) => p.status !== 'rejected');
        const got = await Promise.all(
          served.map((p) =>
            ctx.api.request<{ url: string }>('GET', `${path}/attachments/${encodeURIComponent(p.id)}`).then(
              (l) => [p.id, l.url] as const,
              () => undefined,
            ),
          ),
        );
        if (live) setLinks(Object.fromEntries(got.filter((l) => l !== undefined)));
      },
      (err) => live && setError(errorText(err, t)),
    );
    return () => {
      live = false;
    };
  }, [findingId]);

  const when = (iso: string) =>
    new Date(iso).toLocaleString(language.get(), { timeZone: ctx.config.city.timeZone, hour12: false });

  if (error) return <Problem text={error} />;
  if (!history) return <p class="muted">{t('app.loading')}</p>;
  return (
    <section class="history" data-testid="finding-history">
      <ol>
        {history.items.map((s) => (
          <li key={s.version}>
            {t('history.step', { time: when(s.at), who: actorText(s), step: stepText(s) })}
            {s.note && <span class="muted"> · {s.note}</span>}
          </li>
        ))}
      </ol>
      {history.photos.length === 0 && <p class="muted">{t('history.noPhotos')}</p>}
      <ul class="thumbs history-photos">
        {history.photos.map((p) => {
          const step = stepWords(p.referencedBy?.action ?? 'report', t);
          return (
            <li key={p.id} data-photo={p.id} data-status={p.status}>
              {links[p.id] && (
                <a href={links[p.id]} target="_blank" rel="noopener noreferrer">
                  <img src={links[p.id]} alt={t('history.photoAlt', { step })} loading="lazy" />
                </a>
              )}
              <span class="muted">{t('photo.step', { step })}</span>
              {p.exif?.takenAt && (
                <span class="muted">{t('photo.takenAt', { time: p.exif.takenAt.replace('T', ' ') })}</span>
              )}
              {p.status === 'pending' && <span class="muted">{t('photo.pending')}</span>}
              {p.status === 'rejected' && (
                <span class="notice error">
                  {t('photo.rejected', {
                    reason: p.rejectReason ? t(`photo.reason.${p.rejectReason}` as MessageKey) : '',
                  })}
                </span>
              )}
              {p.flags?.map((f) => (
                <span key={f} class="flag" data-flag={f}>
                  {t(`photo.flag.${f}` as MessageKey)}
                </span>
              ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
