/**
 * 辖区地图: the caller's cells (as GET /grid/cells.geojson scopes them) coloured by one number of
 * GET /stats/cells — open findings, overdue, reduction against the current baseline census, days
 * since the last joint patrol — with its legend, the zones outlined and the open findings as
 * clustered points. A click on a cell opens its panel; a click on a finding opens it in the queue.
 */
import type { Feature } from 'geojson';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MessageKey } from '../../messages';
import { errorText } from '../api';
import { navigate } from '../app';
import { language, t } from '../i18n';
import { LoadStatus } from '../notice';
import { useSignal } from '../state';
import { CellPanel } from './cell-panel';
import { type CellFeature, Choropleth, type MapFinding } from './choropleth';
import {
  type CellNumbers,
  colourOf,
  colourScale,
  legendOf,
  MAP_METRICS,
  type MapMetric,
} from './colour-scale';
import { allPages } from './fetch-all';
import type { ConsolePageProps } from './page-props';
import { consolePath } from './pages';

interface ListedFinding {
  id: string;
  businessName: string;
  status: string;
  lon: number;
  lat: number;
  overdue?: boolean;
}

const CLOSED = new Set(['rejected', 'closed']);

export interface AreaData {
  readonly cells: CellFeature[];
  readonly zones: Feature[];
  readonly numbers: Map<string, CellNumbers>;
  readonly findings: MapFinding[];
}

/** What the map shows, read once per visit; the week plan's map reads the same. */
export async function loadArea(props: ConsolePageProps, withFindings: boolean): Promise<AreaData> {
  const { api } = props.ctx;
  const [cells, zones, numbers, findings] = await Promise.all([
    allPages<CellFeature>(api, '/grid/cells.geojson?limit=500', { key: 'features' }),
    allPages<Feature>(api, '/grid/zones.geojson?limit=500', { key: 'features' }),
    allPages<CellNumbers>(api, '/stats/cells?limit=500'),
    // A city admin's list must name a zone (GET /findings): their map shows the numbers only.
    withFindings && props.me.role !== 'city_admin'
      ? allPages<ListedFinding>(api, '/findings?limit=500', { maxPages: 4 })
      : Promise.resolve([]),
  ]);
  return {
    cells,
    zones,
    numbers: new Map(numbers.map((n) => [n.id, n])),
    findings: findings
      .filter((f) => !CLOSED.has(f.status))
      .map((f) => ({ id: f.id, lon: f.lon, lat: f.lat, label: f.businessName, overdue: f.overdue === true })),
  };
}

export function AreaMapPage(props: ConsolePageProps) {
  useSignal(language);
  const [data, setData] = useState<AreaData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [metric, setMetric] = useState<MapMetric>('open');
  const [selected, setSelected] = useState<string | undefined>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    loadArea(props, true).then(
      (d) => live && setData(d),
      (err) => live && setError(errorText(err, t)),
    );
    return () => {
      live = false;
    };
  }, []);

  // A priority set in the panel: the numbers again, the cells and the view left as they are.
  useEffect(() => {
    if (reloads === 0) return;
    let live = true;
    allPages<CellNumbers>(props.ctx.api, '/stats/cells?limit=500').then(
      (rows) => live && setData((d) => d && { ...d, numbers: new Map(rows.map((n) => [n.id, n])) }),
      (err) => live && setError(errorText(err, t)),
    );
    return () => {
      live = false;
    };
  }, [reloads]);

  const spec = MAP_METRICS.find((m) => m.key === metric) ?? (MAP_METRICS[0] as (typeof MAP_METRICS)[number]);
  const scale = useMemo(
    () => colourScale(data ? [...data.numbers.values()].map(spec.value) : [], spec.worseWhen, spec.whole),
    [data, metric],
  );
  const fill = useMemo(() => {
    const numbers = data?.numbers;
    return (id: string) => {
      const n = numbers?.get(id);
      return colourOf(scale, n ? spec.value(n) : null);
    };
  }, [scale]);

  return (
    <section class="console-page console-map-page">
      <h1>{t('console.map.title')}</h1>
      <LoadStatus error={error} loaded={data !== undefined} />
      {data && (
        <div class="map-and-panel">
          <div class="map-column">
            <fieldset class="metric-switch">
              <legend>{t('console.map.colourBy')}</legend>
              {MAP_METRICS.map((m) => (
                <label key={m.key} class="choice">
                  <input
                    type="radio"
                    name="metric"
                    value={m.key}
                    checked={metric === m.key}
                    onChange={() => setMetric(m.key)}
                  />
                  {t(m.label)}
                </label>
              ))}
            </fieldset>
            <Choropleth
              config={props.ctx.config}
              cells={data.cells}
              zones={data.zones}
              fill={fill}
              selected={selected}
              findings={data.findings}
              onCell={setSelected}
              onFinding={(id) => navigate(consolePath('findings', id))}
              label={t('console.map.label', { count: data.cells.length })}
              clusterLabel={(count) => t('console.map.cluster', { count })}
            />
            <Legend metric={spec.label} rows={legendOf(scale)} />
            <CellPicker cells={data.cells} onPick={setSelected} />
          </div>
          {selected && (
            <CellPanel
              key={selected}
              {...props}
              cellId={selected}
              cellName={data.cells.find((c) => c.properties.id === selected)?.properties.name ?? selected}
              numbers={data.numbers.get(selected)}
              zoneNames={
                new Map(
                  data.zones.map((z) => [
                    String(z.properties?.id),
                    String(z.properties?.name ?? z.properties?.id),
                  ]),
                )
              }
              onClose={() => setSelected(undefined)}
              onChanged={() => setReloads((n) => n + 1)}
            />
          )}
        </div>
      )}
    </section>
  );
}

function Legend({ metric, rows }: { metric: MessageKey; rows: { colour: string; label: string }[] }) {
  return (
    <div class="legend" data-testid="legend">
      <strong>{t(metric)}</strong>
      {rows.map((r) => (
        <span key={r.label} class="legend-row">
          <i style={{ background: r.colour }} />
          {r.label}
        </span>
      ))}
      <span class="legend-row">
        <i class="no-value" />
        {t('console.map.noValue')}
      </span>
    </div>
  );
}

/** The keyboard's way to a cell: its id or name (the canvas itself takes no focus). */
function CellPicker({ cells, onPick }: { cells: readonly CellFeature[]; onPick: (id: string) => void }) {
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const pick = (e: Event) => {
    e.preventDefault();
    const q = text.trim();
    const found =
      cells.find((c) => c.properties.id === q || c.properties.name === q) ??
      cells.find((c) => c.properties.name.includes(q));
    setMissing(!found);
    if (found) onPick(found.properties.id);
  };
  return (
    <form class="cell-picker" onSubmit={pick}>
      <label>
        {t('console.map.findCell')}
        <input value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button type="submit">{t('console.map.show')}</button>
      {missing && <span class="muted">{t('console.map.noSuchCell')}</span>}
    </form>
  );
}
