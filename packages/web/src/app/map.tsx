/**
 * The map (Leaflet, loaded only when a map is first shown: docs/decisions/0033-leaflet.md). With no
 * tiles in the runtime config — the demo and every test — it draws the cells on a plain background
 * and fetches nothing from outside. Coordinates are WGS-84 in and out; on a GCJ-02 base map (AMap,
 * Tencent) the overlays are drawn shifted and a dragged marker's position is shifted back (base-map.ts).
 */
import type { GeoJsonObject } from 'geojson';
import type * as Leaflet from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { AppConfig } from '../runtime-config';
import { type BaseMapShift, baseMapShift } from './base-map';

/**
 * A label as text, never markup: Leaflet puts a string tooltip in as HTML, and cell and business
 * names are typed by people (a volunteer's report names the shop).
 */
export function plainText(label: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = label;
  return span;
}

type L = typeof Leaflet;
let loading: Promise<L> | undefined;

/** Leaflet, loaded once, the first time any map (field or console) is shown. */
export function leaflet(): Promise<L> {
  loading ??= import('leaflet').then((m) => ((m as unknown as { default?: L }).default ?? m) as L);
  return loading;
}

/** Where Leaflet draws a WGS-84 position: [lat, lon] on the base map (shifted on a GCJ-02 one). */
export function mapLatLng(shift: BaseMapShift, lon: number, lat: number): [number, number] {
  const [x, y] = shift.toMap(lon, lat);
  return [y, x];
}

/**
 * A Leaflet map in `el` with the runtime config's tiles, if any (none in the demo and the tests: a
 * plain background, nothing fetched from outside). Every map of the app, field or console, starts here.
 */
export function baseMap(
  L: L,
  el: HTMLElement,
  config: AppConfig,
  options: Leaflet.MapOptions = {},
): Leaflet.Map {
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.25, ...options });
  const tiles = config.tiles;
  if (tiles)
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      ...(tiles.subdomains ? { subdomains: tiles.subdomains } : {}),
    }).addTo(map);
  return map;
}

/** GeoJSON (WGS-84) as a layer drawn where the base map has it. */
export function geoLayer(
  L: L,
  data: GeoJsonObject,
  shift: BaseMapShift,
  options: Leaflet.GeoJSONOptions,
): Leaflet.GeoJSON {
  return L.geoJSON(data, {
    ...options,
    coordsToLatLng: (c) => L.latLng(mapLatLng(shift, c[0] as number, c[1] as number)),
  });
}

/** A dot with its label as a tooltip (as text: the label may be a name someone typed). */
export function labelledDot(
  L: L,
  at: Leaflet.LatLngExpression,
  label: string,
  style: Leaflet.CircleMarkerOptions,
  tooltip?: Leaflet.TooltipOptions,
): Leaflet.CircleMarker {
  return L.circleMarker(at, style).bindTooltip(plainText(label), tooltip);
}

/** Every overlay in view, or the city's centre at `zoom` when there is nothing to show. */
export function showBounds(
  map: Leaflet.Map,
  bounds: Leaflet.LatLngBounds,
  config: AppConfig,
  zoom: number,
  fit: Leaflet.FitBoundsOptions = { padding: [16, 16], maxZoom: 17 },
): void {
  if (bounds.isValid()) map.fitBounds(bounds, fit);
  else map.setView([config.city.center[1], config.city.center[0]], zoom);
}

/**
 * Brings the overlays (and `also`, a marker's position) into view, then adds them: Leaflet cannot
 * draw into a map without a view, so layers are made first and added last.
 */
export function showOverlays(
  L: L,
  map: Leaflet.Map,
  overlays: readonly (Leaflet.FeatureGroup | Leaflet.CircleMarker)[],
  config: AppConfig,
  zoom: number,
  also?: Leaflet.LatLngExpression,
): void {
  const bounds = L.latLngBounds([]);
  for (const o of overlays) bounds.extend(o instanceof L.CircleMarker ? o.getLatLng() : o.getBounds());
  if (also) bounds.extend(also);
  showBounds(map, bounds, config, zoom);
  for (const o of overlays) o.addTo(map);
}

export interface MapPoint {
  readonly lon: number;
  readonly lat: number;
  readonly label: string;
}

export interface CellMapProps {
  readonly config: AppConfig;
  readonly cells: readonly { readonly name: string; readonly geometry: GeoJsonObject | null }[];
  readonly points?: readonly MapPoint[];
  /** A marker the person may drag (the report's position); `onMove` gets where it was dropped. */
  readonly marker?: { readonly lon: number; readonly lat: number };
  readonly onMove?: (lon: number, lat: number) => void;
  readonly label: string;
}

const CELL_STYLE: Leaflet.PathOptions = {
  color: '#1d4ed8',
  weight: 2,
  fillColor: '#60a5fa',
  fillOpacity: 0.18,
};
const POINT_STYLE: Leaflet.CircleMarkerOptions = {
  radius: 7,
  color: '#b91c1c',
  weight: 2,
  fillColor: '#ef4444',
  fillOpacity: 0.9,
};

const pin = (L: L) =>
  L.divIcon({ className: 'gp-pin', html: '<span></span>', iconSize: [28, 28], iconAnchor: [14, 28] });

export function CellMap(props: CellMapProps) {
  const el = useRef<HTMLElement>(null);
  const map = useRef<Leaflet.Map | undefined>(undefined);
  const marker = useRef<Leaflet.Marker | undefined>(undefined);
  const onMove = useRef(props.onMove);
  onMove.current = props.onMove;
  const shift = baseMapShift(props.config.tiles);
  const latLng = (lon: number, lat: number) => mapLatLng(shift, lon, lat);

  // The map and its overlays: built once per set of cells and points.
  useEffect(() => {
    let cancelled = false;
    let overlays: (Leaflet.GeoJSON | Leaflet.CircleMarker)[] = [];
    void leaflet().then((L) => {
      if (cancelled || !el.current) return;
      map.current ??= baseMap(L, el.current, props.config);
      const m = map.current;
      overlays = [
        ...props.cells.flatMap((cell) =>
          cell.geometry
            ? [geoLayer(L, cell.geometry, shift, { style: CELL_STYLE }).bindTooltip(plainText(cell.name))]
            : [],
        ),
        ...(props.points ?? []).map((p) => labelledDot(L, latLng(p.lon, p.lat), p.label, POINT_STYLE)),
      ];
      showOverlays(
        L,
        m,
        overlays,
        props.config,
        13,
        props.marker && latLng(props.marker.lon, props.marker.lat),
      );
    });
    return () => {
      cancelled = true;
      for (const layer of overlays) layer.remove();
      overlays = [];
    };
  }, [props.cells, props.points]);

  // The draggable marker follows the position without rebuilding the map.
  useEffect(() => {
    void leaflet().then((L) => {
      const m = map.current;
      if (!m || !props.marker) return;
      const at: Leaflet.LatLngExpression = latLng(props.marker.lon, props.marker.lat);
      if (!marker.current) {
        // Its title names it for screen readers (a focusable marker without a name is an unnamed button).
        marker.current = L.marker(at, {
          draggable: Boolean(onMove.current),
          icon: pin(L),
          keyboard: true,
          title: props.label,
        })
          .on('dragend', () => {
            const p = marker.current?.getLatLng();
            if (!p) return;
            // Where it was dropped on the base map, back in WGS-84 before the form keeps it.
            const [lon, lat] = shift.fromMap(p.lng, p.lat);
            onMove.current?.(Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6);
          })
          .addTo(m);
        if (!props.cells.some((c) => c.geometry)) m.setView(at, 17);
      } else marker.current.setLatLng(at);
    });
  }, [props.marker?.lon, props.marker?.lat]);

  useEffect(
    () => () => {
      map.current?.remove();
      map.current = undefined;
      marker.current = undefined;
    },
    [],
  );

  // A region (a named section), not an image: Leaflet puts focusable controls and the marker inside, which an image may not hold.
  return <section class="gp-map" ref={el} aria-label={props.label} />;
}
