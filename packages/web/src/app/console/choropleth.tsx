/**
 * The console's map: many cells filled by a number, zones outlined, findings as clustered points.
 * Leaflet's canvas renderer draws the cells (a city has up to 20,000; SVG would make a DOM node of
 * each: docs/decisions/0053-desk-console.md). Restyling on a new metric or selection repaints the
 * canvas without rebuilding the layer. The element gets `data-drawn` (the cells drawn) and the page a
 * `console-map-drawn` performance mark once the first frame with the cells has been painted.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type * as Leaflet from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { AppConfig } from '../../runtime-config';
import { baseMapShift } from '../base-map';
import { baseMap, geoLayer, labelledDot, leaflet, mapLatLng, showBounds } from '../map';
import { clusterPoints } from './cluster';

export interface MapFinding {
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
  readonly label: string;
  readonly overdue?: boolean;
}

export type CellFeature = Feature<Geometry, { id: string; name: string; [key: string]: unknown }>;

export interface ChoroplethProps {
  readonly config: AppConfig;
  readonly cells: readonly CellFeature[];
  readonly zones?: readonly Feature[];
  /** A cell's fill colour. A new function restyles the cells. */
  readonly fill: (cellId: string) => string;
  readonly selected?: string | undefined;
  readonly findings?: readonly MapFinding[];
  readonly onCell?: (cellId: string) => void;
  readonly onFinding?: (findingId: string) => void;
  readonly label: string;
  /** Words for a cluster's tooltip. */
  readonly clusterLabel?: (count: number) => string;
}

/** Pixels within which findings become one cluster. */
const CLUSTER_PX = 36;

export function Choropleth(props: ChoroplethProps) {
  const el = useRef<HTMLDivElement>(null);
  const state = useRef<{
    map?: Leaflet.Map;
    renderer?: Leaflet.Renderer;
    cells?: Leaflet.GeoJSON;
    zones?: Leaflet.GeoJSON;
    findings?: Leaflet.LayerGroup;
    recluster?: () => void;
  }>({});
  const latest = useRef(props);
  latest.current = props;
  const shift = baseMapShift(props.config.tiles);

  const cellStyle = (f?: Feature): Leaflet.PathOptions => {
    const id = String(f?.properties?.id ?? '');
    const selected = id === latest.current.selected;
    return {
      color: selected ? '#111827' : '#6b7280',
      weight: selected ? 3 : 0.6,
      fillColor: latest.current.fill(id),
      fillOpacity: 0.78,
    };
  };

  // The map and the cells: built once per set of cells.
  useEffect(() => {
    let cancelled = false;
    void leaflet().then((L) => {
      const s = state.current;
      if (cancelled || !el.current) return;
      if (!s.map) {
        s.renderer = L.canvas({ padding: 0.2 });
        s.map = baseMap(L, el.current, props.config, { preferCanvas: true, renderer: s.renderer });
      }
      const map = s.map;
      s.cells?.remove();
      const collection: FeatureCollection = { type: 'FeatureCollection', features: [...props.cells] };
      s.cells = geoLayer(L, collection, shift, {
        style: cellStyle,
        renderer: s.renderer,
      } as Leaflet.GeoJSONOptions).on('click', (e) => {
        const id = (e as Leaflet.LeafletMouseEvent & { layer?: { feature?: Feature } }).layer?.feature
          ?.properties?.id;
        if (typeof id === 'string') latest.current.onCell?.(id);
      });
      showBounds(map, s.cells.getBounds(), props.config, 12, { padding: [8, 8] });
      s.cells.addTo(map);
      s.zones?.bringToFront();
      s.findings?.eachLayer((l) => (l as Leaflet.Path).bringToFront?.());
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (cancelled || !el.current) return;
          el.current.dataset.drawn = String(props.cells.length);
          performance.mark('console-map-drawn', { detail: { cells: props.cells.length } });
        }),
      );
    });
    return () => {
      cancelled = true;
    };
  }, [props.cells]);

  // Zones: outlines over the cells, not clickable.
  useEffect(() => {
    let cancelled = false;
    void leaflet().then((L) => {
      const s = state.current;
      if (cancelled || !s.map) return;
      s.zones?.remove();
      s.zones = undefined;
      if (!props.zones?.length) return;
      s.zones = geoLayer(
        L,
        { type: 'FeatureCollection', features: [...props.zones] } as FeatureCollection,
        shift,
        {
          style: { color: '#1d4ed8', weight: 2, fill: false, dashArray: '6 4' },
          interactive: false,
          renderer: s.renderer,
        } as Leaflet.GeoJSONOptions,
      ).addTo(s.map);
    });
    return () => {
      cancelled = true;
    };
  }, [props.zones, props.cells]);

  // A new metric or selection repaints the cells.
  useEffect(() => {
    state.current.cells?.setStyle(cellStyle);
  }, [props.fill, props.selected]);

  // Findings: clustered in screen space, again at every zoom.
  useEffect(() => {
    let cancelled = false;
    void leaflet().then((L) => {
      const s = state.current;
      const map = s.map;
      if (cancelled || !map) return;
      if (s.recluster) map.off('zoomend', s.recluster);
      s.findings?.remove();
      const group = L.layerGroup().addTo(map);
      s.findings = group;
      const draw = () => {
        group.clearLayers();
        const zoom = map.getZoom();
        const points = (latest.current.findings ?? []).map((f) => {
          const p = map.project(mapLatLng(shift, f.lon, f.lat), zoom);
          return { x: p.x, y: p.y, item: f };
        });
        for (const c of clusterPoints(points, CLUSTER_PX)) {
          const at = map.unproject([c.x, c.y], zoom);
          const single = c.items.length === 1 ? c.items[0] : undefined;
          const overdue = c.items.some((f) => f.overdue);
          const marker = labelledDot(
            L,
            at,
            single ? single.label : (latest.current.clusterLabel?.(c.items.length) ?? String(c.items.length)),
            {
              renderer: s.renderer,
              radius: single ? 6 : Math.min(18, 8 + Math.log2(c.items.length) * 2.5),
              color: '#ffffff',
              weight: 2,
              fillColor: overdue ? '#b91c1c' : '#1d4ed8',
              fillOpacity: 0.95,
            },
            { permanent: !single, direction: 'center', className: single ? '' : 'gp-cluster-label' },
          );
          marker.on('click', (e) => {
            L.DomEvent.stopPropagation(e);
            if (single) latest.current.onFinding?.(single.id);
            else
              map.fitBounds(L.latLngBounds(c.items.map((f) => mapLatLng(shift, f.lon, f.lat))), {
                padding: [24, 24],
                maxZoom: 18,
              });
          });
          group.addLayer(marker);
        }
      };
      s.recluster = draw;
      map.on('zoomend', draw);
      draw();
    });
    return () => {
      cancelled = true;
    };
  }, [props.findings, props.cells]);

  useEffect(
    () => () => {
      state.current.map?.remove();
      state.current = {};
    },
    [],
  );

  return <div class="console-map" ref={el} role="img" aria-label={props.label} data-testid="console-map" />;
}
