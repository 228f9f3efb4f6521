/**
 * 网格版本 (city admin; supervisors read): import a cells/zones pair from files chosen here, its report
 * — every refused feature's problem with its feature, ring and position, marked on the map; a draft's
 * coverage (cells in no zone, straddling cells, overlapping zones, zone land outside cells) drawn on
 * the map — the comparison with the active version, and activation after a confirmation that names
 * what blocks it. Files over the API's limit are not sent: the page names the CLI command instead.
 */
import { useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { ApiError, errorText } from '../api';
import type { AppContext } from '../context';
import { language, t } from '../i18n';
import { Problem } from '../notice';
import { useSignal } from '../state';
import { may } from './b/abilities';
import { ConsoleMap, type MapLayer, type MapMark } from './b/console-map';
import {
  CLI_IMPORT,
  IMPORT_BODY_LIMIT,
  type ImportProblem,
  importBodyBytes,
  problemPlace,
} from './b/grid-report';
import { cityDateTime, num, Part, pct, Refused, useCaller, useLoad } from './b/ui';

interface GridVersion {
  version: number;
  status: 'writing' | 'draft' | 'active' | 'superseded' | 'failed';
  createdAt: string;
  createdBy: string;
  counts?: { cells: number; zones: number; warnings: number };
  failure?: { code: string; message: string };
  errors?: ImportProblem[];
  /** A draft's report: the repairs made, each with its feature and place. */
  report?: { warnings?: ImportProblem[] };
  activatedAt?: string;
}

interface Coverage {
  gridVersion: number;
  unzonedCells: { cellId: string; zonedShare: number }[];
  straddlingCells: { cellId: string; primaryZone: string | null; primaryShare: number; zones: string[] }[];
  zoneOverlaps: { zoneA: string; zoneB: string; areaM2: number }[];
  zonesOutsideCells: { zoneId: string; outsideCellsM2: number; outsideShare: number }[];
}

interface GridDiff {
  fromVersion: number;
  toVersion: number;
  cells: {
    before: number;
    after: number;
    added: string[];
    removed: string[];
    reshaped: { id: string; changeM2: number }[];
    primaryZoneChanged: { id: string; before: string | null; after: string | null }[];
  };
  zones: { added: string[]; removed: string[] };
  strandedPeople: { id: string }[];
  strandedFindings: { id: string }[];
  strandedTasks: { id: string }[];
  area: { droppedShare: number; maxDroppedShare: number };
  blockers: { path: string; message: string }[];
}

interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: unknown;
}
interface Collection {
  type: 'FeatureCollection';
  features: Feature[];
  cursor?: string;
}

/** The files last sent from this page, read: a refused import's problems are placed on them. */
interface SentFiles {
  version: number;
  cells: Collection;
  zones: Collection;
}

const PAGES_OF_FEATURES = 50;

/** Every feature of a version's layer, page by page (500 a page; at most 25,000 drawn). */
async function allFeatures(ctx: AppContext, layer: 'cells' | 'zones', version: number): Promise<Feature[]> {
  const out: Feature[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < PAGES_OF_FEATURES; i++) {
    const q = `version=${version}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await ctx.api.request<Collection>('GET', `/grid/${layer}.geojson?${q}`);
    out.push(...page.features);
    cursor = page.cursor;
    if (!cursor) break;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function GridVersionsPage({ ctx }: { ctx: AppContext }) {
  useSignal(language);
  const caller = useCaller(ctx.api);
  const [selected, setSelected] = useState<number | undefined>();
  const [sent, setSent] = useState<SentFiles | undefined>();
  const versions = useLoad(
    () => ctx.api.request<{ items: GridVersion[] }>('GET', '/grid/imports?limit=50'),
    [ctx.api],
  );
  const role = caller.data?.role;
  if (caller.error) return <Problem text={caller.error} />;
  if (!role) return <main class="page console">{t('app.loading')}</main>;
  if (!may(role, 'listGridVersions')) return <Refused title={t('grid.title')} />;

  const items = versions.data?.items ?? [];
  const active = items.find((v) => v.status === 'active');
  const shown = items.find((v) => v.version === selected);
  return (
    <main class="page console">
      <h1>{t('grid.title')}</h1>
      {may(role, 'importGrid') && (
        <ImportForm
          ctx={ctx}
          onImported={(files) => {
            setSent(files);
            setSelected(files.version);
            versions.reload();
          }}
        />
      )}
      <Part id="grid-versions" title={t('grid.versions')}>
        <Problem text={versions.error} />
        <table>
          <thead>
            <tr>
              <th class="n">{t('grid.version')}</th>
              <th>{t('grid.status')}</th>
              <th>{t('grid.created')}</th>
              <th class="n">{t('grid.cells')}</th>
              <th class="n">{t('grid.zones')}</th>
              <th class="n">{t('grid.warnings')}</th>
              <th>
                <span class="visually-hidden">{t('grid.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.version} class={v.version === selected ? 'problem selected' : ''}>
                <td class="n">{v.version}</td>
                <td>{t(`grid.status.${v.status}` as MessageKey)}</td>
                <td>
                  {cityDateTime(ctx.config, v.createdAt)} · {v.createdBy}
                </td>
                <td class="n">{num(v.counts?.cells)}</td>
                <td class="n">{num(v.counts?.zones)}</td>
                <td class="n">{num(v.counts?.warnings)}</td>
                <td>
                  <button type="button" onClick={() => setSelected(v.version)}>
                    {t('grid.show', { version: v.version })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Part>
      {shown && (
        <VersionReport
          key={shown.version}
          ctx={ctx}
          role={role}
          summary={shown}
          active={active}
          sent={sent?.version === shown.version ? sent : undefined}
          onActivated={versions.reload}
        />
      )}
    </main>
  );
}

/** Two files, their size checked against the API's limit, sent as one import and polled to its end. */
function ImportForm({ ctx, onImported }: { ctx: AppContext; onImported: (files: SentFiles) => void }) {
  const [cells, setCells] = useState<File | undefined>();
  const [zones, setZones] = useState<File | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const send = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (!cells || !zones) return setError(t('grid.chooseBoth'));
    const [cellsText, zonesText] = await Promise.all([cells.text(), zones.text()]);
    const bytes = importBodyBytes(cellsText, zonesText);
    if (bytes > IMPORT_BODY_LIMIT)
      return setError(
        t('grid.tooLarge', {
          size: num(bytes / 1048576, 1),
          limit: num(IMPORT_BODY_LIMIT / 1048576),
          command: CLI_IMPORT,
        }),
      );
    const parsed: Partial<Record<'cells' | 'zones', Collection>> = {};
    for (const [layer, file, text] of [
      ['cells', cells, cellsText],
      ['zones', zones, zonesText],
    ] as const) {
      try {
        parsed[layer] = JSON.parse(text) as Collection;
      } catch (err) {
        return setError(t('grid.notJson', { file: file.name, problem: (err as Error).message }));
      }
    }
    try {
      setBusy(t('grid.sending'));
      const started = await ctx.api.request<GridVersion>('POST', '/grid/imports', {
        body: { cells: parsed.cells, zones: parsed.zones },
      });
      setBusy(t('grid.checking', { version: started.version }));
      // The import runs as a job (docs/decisions/0021): polled until it is a draft or refused.
      for (let i = 0; i < 600; i++) {
        const v = await ctx.api.request<GridVersion>('GET', `/grid/imports/${started.version}`);
        if (v.status !== 'writing') break;
        await sleep(500);
      }
      onImported({
        version: started.version,
        cells: parsed.cells as Collection,
        zones: parsed.zones as Collection,
      });
    } catch (err) {
      setError(
        err instanceof ApiError && err.kind === 'too_large'
          ? t('grid.tooLarge', {
              size: num(bytes / 1048576, 1),
              limit: num(IMPORT_BODY_LIMIT / 1048576),
              command: CLI_IMPORT,
            })
          : errorText(err, t),
      );
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Part id="grid-import" title={t('grid.import')}>
      <form class="row" onSubmit={send}>
        <label>
          {t('grid.cellsFile')}
          <input
            type="file"
            name="cells"
            accept=".geojson,.json,application/geo+json,application/json"
            onChange={(e) => setCells((e.currentTarget as HTMLInputElement).files?.[0])}
          />
        </label>
        <label>
          {t('grid.zonesFile')}
          <input
            type="file"
            name="zones"
            accept=".geojson,.json,application/geo+json,application/json"
            onChange={(e) => setZones((e.currentTarget as HTMLInputElement).files?.[0])}
          />
        </label>
        <button type="submit" class="primary" disabled={Boolean(busy)}>
          {t('grid.importButton')}
        </button>
      </form>
      <p class="muted">{t('grid.limit', { limit: num(IMPORT_BODY_LIMIT / 1048576), command: CLI_IMPORT })}</p>
      {busy && (
        <p class="notice" role="status">
          {busy}
        </p>
      )}
      <Problem text={error} />
    </Part>
  );
}

/** A problem's feature and place in words: layer, index, id and name, polygon, ring and position. */
function problemWhere(p: ImportProblem): string {
  const parts = [
    t(p.layer === 'cells' ? 'grid.layer.cells' : 'grid.layer.zones'),
    ...(typeof p.featureIndex === 'number' ? [t('grid.feature', { index: p.featureIndex })] : []),
    ...(p.featureId !== undefined ? [`id ${p.featureId}`] : []),
    ...(p.featureName !== undefined ? [`「${p.featureName}」`] : []),
    ...(p.polygon !== undefined ? [t('grid.polygon', { index: p.polygon })] : []),
    ...(p.ring !== undefined ? [t('grid.ring', { index: p.ring })] : []),
    ...(p.position !== undefined ? [t('grid.position', { index: p.position })] : []),
  ];
  return parts.join(' · ');
}

function VersionReport(props: {
  ctx: AppContext;
  role: string;
  summary: GridVersion;
  active: GridVersion | undefined;
  sent: SentFiles | undefined;
  onActivated: () => void;
}) {
  const { ctx, role, summary } = props;
  const detail = useLoad(
    () => ctx.api.request<GridVersion>('GET', `/grid/imports/${summary.version}`),
    [summary.version, summary.status],
  );
  const v = detail.data;
  // Said here, not by the activation form: once the list reloads the version is no longer a draft
  // and the form goes, while the person must still read that it worked.
  const [activated, setActivated] = useState<number | undefined>();
  return (
    <Part id="grid-report" title={t('grid.report', { version: summary.version })}>
      {activated === summary.version && (
        <p class="notice ok" role="status" data-testid="grid-activated">
          {t('grid.activated', { version: activated })}
        </p>
      )}
      <Problem text={detail.error} />
      {v?.status === 'failed' && <FailedReport version={v} sent={props.sent} ctx={ctx} />}
      {v && v.status !== 'failed' && v.status !== 'writing' && (
        <>
          <p data-testid="grid-counts">
            {t('grid.countsLine', {
              cells: num(v.counts?.cells),
              zones: num(v.counts?.zones),
              warnings: num(v.counts?.warnings),
            })}
          </p>
          {(v.report?.warnings?.length ?? 0) > 0 && <ProblemList problems={v.report?.warnings ?? []} />}
          <CoverageReport ctx={ctx} version={v.version} />
          {v.status === 'draft' && may(role, 'diffGridVersion') && (
            <DiffAndActivate
              ctx={ctx}
              version={v.version}
              role={role}
              onActivated={() => {
                setActivated(v.version);
                props.onActivated();
              }}
            />
          )}
        </>
      )}
      {v?.status === 'writing' && <p role="status">{t('grid.checking', { version: v.version })}</p>}
    </Part>
  );
}

function ProblemList({
  problems,
  selected,
  onShow,
}: {
  problems: readonly ImportProblem[];
  selected?: number;
  /** Marks the problem on the map; without it (a draft's repairs) there is no map of the files. */
  onShow?: (i: number) => void;
}) {
  return (
    <ol class="problems" data-testid="grid-problems">
      {problems.map((p, i) => (
        <li key={`${p.path}-${i}`} class={`problem ${selected === i ? 'selected' : ''}`}>
          <strong>{p.code}</strong> · {problemWhere(p)}
          <br />
          <span>{p.message}</span>{' '}
          {onShow && (
            <button type="button" onClick={() => onShow(i)}>
              {t('grid.showOnMap')}
            </button>
          )}
        </li>
      ))}
    </ol>
  );
}

/** A refused import: why, every problem listed, and marked on the files this page sent. */
function FailedReport({ version, sent, ctx }: { version: GridVersion; sent?: SentFiles; ctx: AppContext }) {
  const problems = version.errors ?? [];
  const [selected, setSelected] = useState<number | undefined>();
  const places = useMemo(() => (sent ? problems.map((p) => problemPlace(sent, p)) : []), [problems, sent]);
  const marks = useMemo<MapMark[]>(
    () =>
      places.flatMap((place, i) =>
        place.point
          ? [
              {
                lon: place.point[0],
                lat: place.point[1],
                label: `${problems[i]?.code}: ${problemWhere(problems[i] as ImportProblem)}`,
              },
            ]
          : [],
      ),
    [places],
  );
  const layers = useMemo<MapLayer[]>(() => {
    if (!sent) return [];
    const bad = (layer: 'cells' | 'zones') =>
      new Set(
        places.filter((p) => p.layer === layer && p.featureIndex !== undefined).map((p) => p.featureIndex),
      );
    const split = (layer: 'cells' | 'zones') => {
      const wrong = bad(layer);
      const features = sent[layer].features ?? [];
      return {
        ok: features.filter((_, i) => !wrong.has(i)),
        wrong: features.filter((_, i) => wrong.has(i)),
      };
    };
    const cells = split('cells');
    const zones = split('zones');
    const name = (p: Record<string, unknown>) => String(p.name ?? p.id ?? '');
    return [
      { id: 'zones', label: t('grid.legend.zones'), features: zones.ok, color: '#1d4ed8', tooltip: name },
      { id: 'cells', label: t('grid.legend.cells'), features: cells.ok, color: '#6b7280', tooltip: name },
      {
        id: 'refused',
        label: t('grid.legend.refused'),
        features: [...cells.wrong, ...zones.wrong],
        color: '#b91c1c',
        fill: '#fca5a5',
        tooltip: name,
      },
    ];
  }, [places, sent]);
  const point = selected === undefined ? undefined : places[selected]?.point;
  const focus = point && {
    lon: point[0],
    lat: point[1],
    label: `${problems[selected as number]?.code}: ${problemWhere(problems[selected as number] as ImportProblem)}`,
  };
  return (
    <>
      <p class="notice error" role="alert" data-testid="grid-failed">
        {t('grid.failed', { count: problems.length })} {version.failure?.message}
      </p>
      {sent && (
        <ConsoleMap
          config={ctx.config}
          layers={layers}
          marks={marks}
          focus={focus}
          label={t('grid.mapFailed')}
        />
      )}
      {!sent && problems.length > 0 && <p class="muted">{t('grid.noFilesHere')}</p>}
      <ProblemList problems={problems} selected={selected} onShow={setSelected} />
    </>
  );
}

/** A version's coverage: the four kinds of gap and overlap, listed and drawn. */
function CoverageReport({ ctx, version }: { ctx: AppContext; version: number }) {
  const coverage = useLoad(
    () => ctx.api.request<Coverage>('GET', `/grid/coverage?version=${version}`),
    [version],
  );
  const shapes = useLoad(
    () => Promise.all([allFeatures(ctx, 'cells', version), allFeatures(ctx, 'zones', version)]),
    [version],
  );
  const c = coverage.data;
  const layers = useMemo<MapLayer[]>(() => {
    if (!c || !shapes.data) return [];
    const [cells, zones] = shapes.data;
    const id = (f: Feature) => String(f.properties.id);
    const unzoned = new Set(c.unzonedCells.map((x) => x.cellId));
    const straddling = new Set(c.straddlingCells.map((x) => x.cellId));
    const overlapping = new Set(c.zoneOverlaps.flatMap((o) => [o.zoneA, o.zoneB]));
    const outside = new Set(c.zonesOutsideCells.map((z) => z.zoneId));
    const name = (p: Record<string, unknown>) => `${String(p.name ?? '')} ${String(p.id ?? '')}`;
    return [
      {
        id: 'cells',
        label: t('grid.legend.cells'),
        features: cells.filter((f) => !unzoned.has(id(f)) && !straddling.has(id(f))),
        color: '#9ca3af',
        tooltip: name,
      },
      {
        id: 'zones',
        label: t('grid.legend.zones'),
        features: zones.filter((f) => !overlapping.has(id(f)) && !outside.has(id(f))),
        color: '#1d4ed8',
        tooltip: name,
      },
      {
        id: 'outside',
        label: t('grid.legend.outside'),
        features: zones.filter((f) => outside.has(id(f)) && !overlapping.has(id(f))),
        color: '#b45309',
        dashed: true,
        tooltip: name,
      },
      {
        id: 'overlaps',
        label: t('grid.legend.overlaps'),
        features: zones.filter((f) => overlapping.has(id(f))),
        color: '#7c3aed',
        fill: '#c4b5fd',
        tooltip: name,
      },
      {
        id: 'straddling',
        label: t('grid.legend.straddling'),
        features: cells.filter((f) => straddling.has(id(f))),
        color: '#d97706',
        fill: '#fde68a',
        tooltip: name,
      },
      {
        id: 'unzoned',
        label: t('grid.legend.unzoned'),
        features: cells.filter((f) => unzoned.has(id(f))),
        color: '#b91c1c',
        fill: '#fca5a5',
        tooltip: name,
      },
    ];
  }, [c, shapes.data]);
  return (
    <div data-testid="grid-coverage">
      <h3>{t('grid.coverage')}</h3>
      <Problem text={coverage.error ?? shapes.error} />
      {c && (
        <ul>
          <li>
            {t('grid.cov.unzoned', {
              count: c.unzonedCells.length,
              cells: c.unzonedCells
                .slice(0, 10)
                .map((x) => x.cellId)
                .join('、'),
            })}
          </li>
          <li>{t('grid.cov.straddling', { count: c.straddlingCells.length })}</li>
          <li>
            {t('grid.cov.overlaps', {
              count: c.zoneOverlaps.length,
              pairs: c.zoneOverlaps
                .slice(0, 10)
                .map((o) => `${o.zoneA}×${o.zoneB}`)
                .join('、'),
            })}
          </li>
          <li>{t('grid.cov.outside', { count: c.zonesOutsideCells.length })}</li>
        </ul>
      )}
      {layers.length > 0 && (
        <ConsoleMap config={ctx.config} layers={layers} label={t('grid.mapCoverage', { version })} />
      )}
    </div>
  );
}

/** What activating the draft would change, then activation behind a confirmation naming its blockers. */
function DiffAndActivate(props: { ctx: AppContext; version: number; role: string; onActivated: () => void }) {
  const { ctx, version } = props;
  const diff = useLoad(() => ctx.api.request<GridDiff>('GET', `/grid/imports/${version}/diff`), [version]);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const d = diff.data;
  const activate = async () => {
    setError(undefined);
    try {
      const body = d && d.blockers.length > 0 ? { force: true, reason } : undefined;
      await ctx.api.request('POST', `/grid/imports/${version}/activate`, body ? { body } : {});
      setConfirming(false);
      props.onActivated();
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  const list = (ids: readonly string[]) =>
    ids.length === 0 ? '—' : ids.slice(0, 20).join('、') + (ids.length > 20 ? ' …' : '');
  return (
    <div data-testid="grid-diff">
      <h3>{t('grid.diff', { from: d?.fromVersion ?? '…', to: version })}</h3>
      <Problem text={diff.error} />
      {d && (
        <table>
          <tbody>
            <tr>
              <th>{t('grid.diff.cells')}</th>
              <td>
                {t('grid.diff.beforeAfter', { before: num(d.cells.before), after: num(d.cells.after) })}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.added')}</th>
              <td data-testid="diff-added">
                {d.cells.added.length} · {list(d.cells.added)}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.removed')}</th>
              <td>
                {d.cells.removed.length} · {list(d.cells.removed)}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.reshaped')}</th>
              <td>
                {d.cells.reshaped.length} · {list(d.cells.reshaped.map((c) => c.id))}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.primaryZone')}</th>
              <td>
                {d.cells.primaryZoneChanged.length} ·{' '}
                {list(d.cells.primaryZoneChanged.map((c) => `${c.id} ${c.before ?? '—'}→${c.after ?? '—'}`))}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.zones')}</th>
              <td>
                +{list(d.zones.added)} / −{list(d.zones.removed)}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.stranded')}</th>
              <td>
                {t('grid.diff.strandedLine', {
                  people: d.strandedPeople.length,
                  findings: d.strandedFindings.length,
                  tasks: d.strandedTasks.length,
                })}
              </td>
            </tr>
            <tr>
              <th>{t('grid.diff.dropped')}</th>
              <td>
                {pct(d.area.droppedShare, 2)} (
                {t('grid.diff.maxDropped', { max: pct(d.area.maxDroppedShare, 0) })})
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {d && d.blockers.length > 0 && (
        <ul class="notice warn" data-testid="diff-blockers">
          {d.blockers.map((b) => (
            <li key={b.path}>{b.message}</li>
          ))}
        </ul>
      )}
      {d && may(props.role, 'activateGridVersion') && !confirming && (
        <button type="button" class="primary" onClick={() => setConfirming(true)}>
          {t('grid.activate', { version })}
        </button>
      )}
      {d && confirming && (
        <div
          role="dialog"
          aria-modal="false"
          aria-labelledby="activate-title"
          class="card"
          data-testid="activate-confirm"
        >
          <h4 id="activate-title">{t('grid.confirmTitle', { version, from: d.fromVersion })}</h4>
          <p>
            {t('grid.confirmBody', {
              added: d.cells.added.length,
              removed: d.cells.removed.length,
              dropped: pct(d.area.droppedShare, 2),
            })}
          </p>
          {d.blockers.length > 0 && (
            <label>
              {t('grid.forceReason')}
              <input value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
            </label>
          )}
          <div class="row">
            <button
              type="button"
              class="primary"
              onClick={activate}
              disabled={d.blockers.length > 0 && reason.trim().length < 5}
            >
              {t('grid.confirmActivate')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('action.cancel')}
            </button>
          </div>
          <Problem text={error} />
        </div>
      )}
    </div>
  );
}
