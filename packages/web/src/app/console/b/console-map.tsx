/**
 * The desk pages' map: GeoJSON layers each in its own style with a legend, and marked points (an
 * import problem's position), on Leaflet's canvas renderer — thousands of cells draw as one canvas,
 * not as thousands of SVG paths (docs/decisions/0033 left that choice to the console). Leaflet is
 * the chunk the field map loads; WGS-84 in, shifted for a GCJ-02 base map as the field map does.
 */
import type { Feature } from 'geojson';
import type * as Leaflet from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { AppConfig } from '../../../runtime-config';
import { baseMapShift } from '../../base-map';
import { baseMap, geoLayer, labelledDot, leaflet, mapLatLng, plainText, showOverlays } from '../../map';

export interface MapLayer {
  readonly id: string;
  /** The legend's words. */
  readonly label: string;
  readonly features: readonly unknown[];
  readonly color: string;
  readonly fill?: string;
  readonly dashed?: boolean;
  readonly tooltip?: (properties: Record<string, unknown>) => string;
}

export interface MapMark {
  readonly lon: number;
  readonly lat: number;
  readonly label: string;
}

export interface ConsoleMapProps {
  readonly config: AppConfig;
  readonly layers: readonly MapLayer[];
  readonly marks?: readonly MapMark[];
  /** A mark to bring into view and open (the selected problem). */
  readonly focus?: MapMark;
  readonly label: string;
}

/** An import problem's position: darker and larger than the field map's points. */
const MARK_STYLE: Leaflet.CircleMarkerOptions = {
  radius: 8,
  color: '#7f1d1d',
  weight: 3,
  fillColor: '#ef4444',
  fillOpacity: 0.9,
};

export function ConsoleMap(props: ConsoleMapProps) {
  const el = useRef<HTMLElement>(null);
  const map = useRef<Leaflet.Map | undefined>(undefined);
  const shift = baseMapShift(props.config.tiles);
  const latLng = (lon: number, lat: number) => mapLatLng(shift, lon, lat);

  useEffect(() => {
    let cancelled = false;
    const overlays: (Leaflet.GeoJSON | Leaflet.CircleMarker)[] = [];
    void leaflet().then((L) => {
      if (cancelled || !el.current) return;
      map.current ??= baseMap(L, el.current, props.config, { preferCanvas: true });
      const m = map.current;
      for (const layer of props.layers) {
        if (layer.features.length === 0) continue;
        const geo = geoLayer(L, { type: 'FeatureCollection', features: layer.features } as never, shift, {
          style: {
            color: layer.color,
            weight: 2,
            fillColor: layer.fill ?? layer.color,
            fillOpacity: layer.fill ? 0.35 : 0.05,
            ...(layer.dashed ? { dashArray: '6 4' } : {}),
          },
        });
        if (layer.tooltip) {
          const tip = layer.tooltip;
          geo.eachLayer((f) => {
            const props = ((f as Leaflet.GeoJSON).feature as Feature | undefined)?.properties ?? {};
            f.bindTooltip(plainText(tip(props as Record<string, unknown>)));
          });
        }
        overlays.push(geo);
      }
      for (const p of props.marks ?? [])
        overlays.push(labelledDot(L, latLng(p.lon, p.lat), p.label, MARK_STYLE));
      showOverlays(L, m, overlays, props.config, 12);
    });
    return () => {
      cancelled = true;
      for (const layer of overlays) layer.remove();
    };
  }, [props.layers, props.marks]);

  useEffect(() => {
    const f = props.focus;
    if (!f) return;
    void leaflet().then((L) => {
      const m = map.current;
      if (!m) return;
      m.setView(latLng(f.lon, f.lat), Math.max(m.getZoom(), 17));
      L.popup().setLatLng(latLng(f.lon, f.lat)).setContent(plainText(f.label)).openOn(m);
    });
  }, [props.focus]);

  useEffect(
    () => () => {
      map.current?.remove();
      map.current = undefined;
    },
    [],
  );

  return (
    <>
      {/* A region (a named section), not an image: Leaflet puts focusable controls inside, which an image may not hold. */}
      <section class="gp-map big" ref={el} aria-label={props.label} />
      <ul class="legend" aria-label={props.label}>
        {props.layers
          .filter((l) => l.features.length > 0)
          .map((l) => (
            <li key={l.id} data-layer={l.id}>
              <i style={{ borderColor: l.color, background: l.fill ?? 'transparent' }} />
              {l.label} ({l.features.length})
            </li>
          ))}
        {(props.marks?.length ?? 0) > 0 && (
          <li data-layer="marks">
            <i style={{ borderColor: '#7f1d1d', background: '#ef4444', borderRadius: '50%' }} />
            {props.marks?.length}
          </li>
        )}
      </ul>
    </>
  );
}
