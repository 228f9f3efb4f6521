/** The device's position, as a promise; what a browser without geolocation cannot do. */
export interface Fix {
  readonly lon: number;
  readonly lat: number;
  readonly accuracyM: number;
}

export const hasGeolocation = (): boolean => typeof navigator !== 'undefined' && 'geolocation' in navigator;

export class GeolocationError extends Error {
  constructor(readonly denied: boolean) {
    super(denied ? 'geolocation denied' : 'geolocation failed');
  }
}

export function currentPosition(timeoutMs = 20_000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!hasGeolocation()) return reject(new GeolocationError(false));
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lon: p.coords.longitude,
          lat: p.coords.latitude,
          accuracyM: Math.round(p.coords.accuracy * 10) / 10,
        }),
      (e) => reject(new GeolocationError(e.code === e.PERMISSION_DENIED)),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 10_000 },
    );
  });
}
