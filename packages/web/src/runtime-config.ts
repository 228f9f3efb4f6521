/**
 * The app's runtime config, `/app/config.json`: what differs between cities and between the local
 * server and AWS, read by the app at start, so that one build serves every city. The local server
 * writes it now (packages/local/src/web-app.ts); the CDK stack will write it at deploy time from the
 * same function. Pure: no DOM, no Node, no AWS.
 */
import type { CityConfig } from '@gridpatrol/core';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export type AuthConfig =
  /** Local dev tokens: the person is chosen from the seeded people (`/_dev/people`, `/_dev/token`). */
  | { readonly mode: 'local' }
  /** The city's Cognito user pool, authorization code + PKCE (not built yet: see the README). */
  | {
      readonly mode: 'cognito';
      readonly region: string;
      readonly userPoolId: string;
      readonly clientId: string;
      /** The hosted UI's domain, e.g. https://demo-gridpatrol.auth.cn-north-1.amazoncognito.com */
      readonly domain: string;
    };

export interface AppConfig {
  /** Where the HTTP API answers; '' means the app's own origin (the local server serves both). */
  readonly apiBaseUrl: string;
  readonly auth: AuthConfig;
  readonly city: {
    readonly name: string;
    readonly displayName: string;
    readonly timeZone: string;
    /** The middle of the city's bbox [lon, lat]: where a map without a position opens. */
    readonly center: readonly [number, number];
  };
  readonly categories: readonly { readonly id: string; readonly name: string }[];
  /** Departments a case can be transferred to (案件移送). */
  readonly departments: readonly { readonly id: string; readonly name: string }[];
  /** The language a person sees until they choose another. */
  readonly defaultLanguage: Language;
  /**
   * Base map tiles: a URL template and its coordinate system. Absent (the demo and every test):
   * the map draws cells on a plain background and fetches nothing from outside.
   */
  readonly tiles?: {
    readonly url: string;
    /** gcj02: overlays are shifted onto the map and dragged positions back (core/geo/gcj02). */
    readonly coordSys: 'wgs84' | 'gcj02' | 'cgcs2000';
    readonly attribution: string;
    readonly subdomains?: string;
  };
}

/**
 * The config for a city.
 *
 * @example appConfig(readCityConfig('demo'), { apiBaseUrl: '', auth: { mode: 'local' } })
 */
export function appConfig(
  city: CityConfig,
  deployment: { readonly apiBaseUrl: string; readonly auth: AuthConfig },
): AppConfig {
  return {
    apiBaseUrl: deployment.apiBaseUrl,
    auth: deployment.auth,
    city: {
      name: city.name,
      displayName: city.displayName,
      timeZone: city.timeZone,
      center: [(city.bbox[0] + city.bbox[2]) / 2, (city.bbox[1] + city.bbox[3]) / 2],
    },
    categories: city.findingCategories.map((c) => ({ id: c.id, name: c.name })),
    departments: city.departments.map((d) => ({ id: d.id, name: d.name })),
    defaultLanguage: 'zh-CN',
    ...(city.tiles ? { tiles: city.tiles } : {}),
  };
}

/** The path the app is served under, by the local server and by CloudFront. */
export const APP_PATH = '/app';

/**
 * Where a tile URL template's images come from, as a CSP source: its scheme and host, with the
 * `{s}` subdomain placeholder as a wildcard. Undefined for a template that is not an absolute
 * http(s) URL (the city file's schema refuses those).
 *
 * @example tileSource('https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}') // 'https://*.is.autonavi.com'
 */
export function tileSource(urlTemplate: string): string | undefined {
  const match = /^(https?):\/\/([^/?#]+)/.exec(urlTemplate);
  if (!match) return undefined;
  const [, scheme, host = ''] = match;
  // `webrd0{s}.x.com`: the whole first label varies with the subdomain.
  const wildcard = host.replace(/^[^.]*\{s\}[^.]*/, '*');
  return /[{}]/.test(wildcard) ? undefined : `${scheme}://${wildcard}`;
}

/**
 * The Content-Security-Policy the app is served with: its own origin for scripts, styles, the API
 * (same origin: CloudFront sends /app/* to the bucket and the rest to the API) and the service
 * worker; the hosted sign-in UI's token endpoint; the city's tile host for images; the region's S3
 * for presigned uploads, photos and export downloads. Inline styles
 * only (Leaflet positions its layers with style attributes); no inline or foreign script.
 *
 * @example contentSecurityPolicy({ authDomain: 'https://x.auth.ap-east-1.amazoncognito.com' })
 */
export function contentSecurityPolicy(origins: {
  readonly authDomain?: string;
  readonly tileUrl?: string;
  /**
   * Where presigned S3 links lead (photo uploads and links, export downloads), e.g.
   * `https://*.s3.ap-east-1.amazonaws.com`: the region's buckets, since naming the city's own would
   * make the distribution depend on buckets whose CORS names the distribution.
   */
  readonly objectStore?: string;
}): string {
  const tiles = origins.tileUrl ? tileSource(origins.tileUrl) : undefined;
  const objectStore = origins.objectStore ? [origins.objectStore] : [];
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:', ...(tiles ? [tiles] : []), ...objectStore],
    ['connect-src', "'self'", ...(origins.authDomain ? [origins.authDomain] : []), ...objectStore],
    ['worker-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}
