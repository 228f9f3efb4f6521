/**
 * The case file (案卷) of a finding (issue 14, docs/decisions/0055): one printable HTML page for the
 * hand-over to another department or a court — the finding, where it is (an inline SVG of its cell
 * and point: no tiles, nothing fetched), every step (who, what, when in the city's time, the
 * decisions and reasons), and each photo with what the server found. Pure: the handler gathers the
 * records and the photo links, this writes the page in the reader's words.
 */

import * as z from 'zod';
import type { PolygonGeometry } from '../geo/types';
import { lazySchema } from '../lazy-schema';
import { LANGUAGES, type Language, type MessageKey, type Say } from '../messages';
import type { Finding, FindingEvent } from './schema';

/** GET /findings/{id}/case-file: `lang` chooses the language over Accept-Language (a link to print). */
export const CaseFileQuery = lazySchema(() =>
  z.strictObject({
    lang: z.enum(LANGUAGES as [Language, ...Language[]]).optional(),
  }),
);

/** A photo as the case file shows it: its link (none for a rejected one) and what the check found. */
export interface CaseFilePhoto {
  readonly id: string;
  readonly url?: string;
  readonly status: 'pending' | 'verified' | 'rejected';
  readonly step: string;
  readonly flags: readonly string[];
  readonly rejectReason?: string;
  readonly exif?: {
    readonly takenAt?: string;
    readonly lon?: number;
    readonly lat?: number;
    readonly device?: string;
  };
}

export interface CaseFile {
  readonly finding: Finding;
  readonly cell?: { readonly id: string; readonly name: string; readonly geometry: PolygonGeometry };
  readonly steps: readonly FindingEvent[];
  readonly photos: readonly CaseFilePhoto[];
  readonly cityName: string;
  readonly generatedAt: string;
}

/** The page's only style: inline, so the answer's CSP allows exactly it by its hash. */
export const CASE_FILE_CSS = `@page{size:A4;margin:15mm}
body{font:11pt/1.45 "Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;color:#111;margin:0 auto;max-width:180mm}
h1{font-size:16pt;margin:0 0 2mm}h2{font-size:12.5pt;border-bottom:1px solid #999;margin:6mm 0 2mm;padding-bottom:1mm}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:1mm 2mm;text-align:left;vertical-align:top}
th{background:#f2f2f2}.facts th{width:28%}.muted{color:#555}.map{width:90mm;height:70mm;border:1px solid #bbb}
.cell{fill:#dbe8ff;stroke:#1d4ed8;stroke-width:1.5}.point{fill:#c00;stroke:#fff;stroke-width:1.5}
.photos{display:flex;flex-wrap:wrap;gap:4mm}.photo{width:56mm;margin:0;break-inside:avoid}
.photo img{width:56mm;height:42mm;object-fit:cover;border:1px solid #bbb}.flag{color:#8a4b00}.refused{color:#b00}
tr,li{break-inside:avoid}@media screen{body{padding:8mm}}`;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Text and attribute values escaped: every value on the page comes from people. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/**
 * The cell's outer rings and the point projected into a box of `width`×`height` (longitude scaled
 * by the cosine of the latitude, so shapes are not stretched), with a margin; y grows downwards.
 *
 * @example mapExtract({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, [0.5, 0.5], 100, 100).point
 */
export function mapExtract(
  geometry: PolygonGeometry | undefined,
  point: readonly [number, number],
  width: number,
  height: number,
): { paths: string[]; point: [number, number] } {
  const rings =
    geometry === undefined
      ? []
      : geometry.type === 'Polygon'
        ? [geometry.coordinates[0] ?? []]
        : geometry.coordinates.map((p) => p[0] ?? []);
  const all = [...rings.flat(), point] as (readonly number[])[];
  const k = Math.cos(((point[1] ?? 0) * Math.PI) / 180);
  const xs = all.map((c) => (c[0] as number) * k);
  const ys = all.map((c) => c[1] as number);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = 0.08;
  const span = Math.max(maxX - minX, maxY - minY, 1e-6);
  const scale = (Math.min(width, height) * (1 - 2 * margin)) / span;
  const ox = (width - (maxX - minX) * scale) / 2;
  const oy = (height - (maxY - minY) * scale) / 2;
  const at = (c: readonly number[]): [number, number] => [
    Math.round((ox + ((c[0] as number) * k - minX) * scale) * 10) / 10,
    Math.round((oy + (maxY - (c[1] as number)) * scale) * 10) / 10,
  ];
  return {
    paths: rings.map((ring) => `M${ring.map((c) => at(c).join(' ')).join('L')}Z`),
    point: at(point),
  };
}

/** A step's decisions and reasons, in words: deadline, department and receipt, outcome, credit code, reason. */
function stepDetails(e: FindingEvent, say: Say, when: (iso: string) => string): string[] {
  const d = e.data as Record<string, unknown>;
  const out: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (str(d.deadline)) out.push(say('caseFile.deadline', { time: when(d.deadline as string) }));
  if (str(d.department))
    out.push(
      say('caseFile.department', { department: d.department as string, receipt: str(d.receiptNo) ?? '—' }),
    );
  if (str(d.outcome)) out.push(say(`finding.outcome.${d.outcome}` as MessageKey));
  if (str(d.uscc)) out.push(say('caseFile.uscc', { code: d.uscc as string }));
  if (str(d.reason)) out.push(say(`finding.rejectReason.${d.reason}` as MessageKey));
  if (str(d.duplicateOf)) out.push(say('caseFile.duplicateOf', { id: d.duplicateOf as string }));
  return out;
}

/** What a step is called: the report, a person's action, or the state a scheduled job moved it to. */
const stepName = (action: string, say: Say): string =>
  action === 'report'
    ? say('caseFile.report')
    : ['mark_overdue', 'escalate_to_admin', 'revisit_due'].includes(action)
      ? say(`caseFile.system.${action}` as MessageKey)
      : say(`finding.action.${action}` as MessageKey);

/**
 * The case file as one HTML page in the reader's words (`say`), times in the city's (`when`).
 *
 * @example caseFileHtml(file, (k, p) => render(message(k, p), ctx), (iso) => localDateTime(iso, tz), 'zh-CN')
 */
export function caseFileHtml(file: CaseFile, say: Say, when: (iso: string) => string, lang: string): string {
  const f = file.finding;
  const e = escapeHtml;
  const row = (label: string, value: string) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`;
  const map = mapExtract(file.cell?.geometry, [f.lon, f.lat], 340, 264);
  const steps = file.steps
    .map((s) => {
      const details = [
        ...stepDetails(s, say, when),
        ...(s.note ? [say('caseFile.note', { note: s.note })] : []),
      ];
      return `<tr><td>${e(when(s.at))}</td><td>${e(s.actorId)}</td><td>${e(stepName(s.action, say))}</td><td>${e(say(`finding.status.${s.to}` as MessageKey))}</td><td>${details.map(e).join('<br>')}</td></tr>`;
    })
    .join('');
  const photos = file.photos
    .map((p, i) => {
      const lines = [say('caseFile.photoOf', { n: i + 1, step: stepName(p.step, say) })];
      if (p.exif?.takenAt) lines.push(say('caseFile.exifTime', { time: p.exif.takenAt.replace('T', ' ') }));
      if (p.exif?.lat !== undefined && p.exif.lon !== undefined)
        lines.push(say('caseFile.exifPlace', { lat: p.exif.lat.toFixed(6), lon: p.exif.lon.toFixed(6) }));
      if (p.exif?.device) lines.push(say('caseFile.exifDevice', { device: p.exif.device }));
      const flags = p.flags
        .map((flag) => `<div class="flag">${e(say(`photo.flag.${flag}` as MessageKey))}</div>`)
        .join('');
      const refused =
        p.status === 'rejected'
          ? `<div class="refused">${e(say('caseFile.photoRejected', { reason: p.rejectReason ?? '' }))}</div>`
          : p.status === 'pending'
            ? `<div class="muted">${e(say('caseFile.photoPending'))}</div>`
            : '';
      const img = p.url ? `<img src="${e(p.url)}" alt="${e(lines[0] as string)}">` : '';
      return `<figure class="photo" data-photo="${e(p.id)}">${img}<figcaption>${lines.map((l) => `<div>${e(l)}</div>`).join('')}${flags}${refused}</figcaption></figure>`;
    })
    .join('');
  return `<!doctype html><html lang="${e(lang)}"><head><meta charset="utf-8"><title>${e(say('caseFile.title', { id: f.id }))}</title><style>${CASE_FILE_CSS}</style></head><body>
<h1>${e(say('caseFile.title', { id: f.id }))}</h1>
<p class="muted">${e(say('caseFile.generated', { city: file.cityName, time: when(file.generatedAt) }))}</p>
<h2>${e(say('caseFile.finding'))}</h2><table class="facts">
${row(say('caseFile.business'), f.businessName)}${row(say('caseFile.kind'), say(`finding.kind.${f.kind}` as MessageKey))}${row(say('caseFile.address'), f.address)}${row(say('caseFile.position'), `${f.lat.toFixed(6)}, ${f.lon.toFixed(6)} (WGS-84)`)}${row(say('caseFile.cell'), file.cell ? `${file.cell.name} (${file.cell.id})` : '—')}${row(say('caseFile.zone'), f.zoneId ?? '—')}${row(say('caseFile.reporter'), `${f.reporterId} · ${when(f.reportedAt)}`)}${row(say('caseFile.status'), say(`finding.status.${f.status}` as MessageKey))}
</table>
<h2>${e(say('caseFile.map'))}</h2>
<svg class="map" viewBox="0 0 340 264" role="img" aria-label="${e(say('caseFile.map'))}" xmlns="http://www.w3.org/2000/svg">${map.paths.map((d) => `<path class="cell" d="${d}"/>`).join('')}<circle class="point" cx="${map.point[0]}" cy="${map.point[1]}" r="5"/></svg>
<h2>${e(say('caseFile.timeline'))}</h2><table><thead><tr><th>${e(say('caseFile.when'))}</th><th>${e(say('caseFile.who'))}</th><th>${e(say('caseFile.what'))}</th><th>${e(say('caseFile.after'))}</th><th>${e(say('caseFile.decision'))}</th></tr></thead><tbody>${steps}</tbody></table>
<h2>${e(say('caseFile.photos', { count: file.photos.length }))}</h2><div class="photos">${photos || `<p class="muted">${e(say('caseFile.noPhotos'))}</p>`}</div>
</body></html>`;
}
