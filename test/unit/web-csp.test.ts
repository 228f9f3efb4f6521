/** The app's Content-Security-Policy and the tile host it allows (packages/web/src/runtime-config.ts). */
import { contentSecurityPolicy, tileSource } from '@gridpatrol/web/runtime-config';
import { describe, expect, it } from 'vitest';

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

describe('tileSource', () => {
  it('is the scheme and host of a tile URL template, its {s} subdomain a wildcard', () => {
    expect(tileSource('https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&x={x}&y={y}&z={z}')).toBe(
      'https://*.is.autonavi.com',
    );
    expect(tileSource('https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&TILEMATRIX={z}')).toBe(
      'https://*.tianditu.gov.cn',
    );
    expect(tileSource('https://tile.example.org/{z}/{x}/{y}.png')).toBe('https://tile.example.org');
  });

  it('is nothing for a template that is not an absolute http(s) URL', () => {
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeUndefined();
    expect(tileSource('javascript:alert(1)')).toBeUndefined();
    expect(tileSource('https://tiles.{s}.example.org/{z}')).toBeUndefined();
  });
});

describe('contentSecurityPolicy', () => {
  it('allows only its own origin for scripts, the API and workers, and nothing to frame it', () => {
    const csp = contentSecurityPolicy({});
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(csp, 'img-src')).toBe("img-src 'self' data: blob:");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(csp, 'object-src')).toBe("object-src 'none'");
  });

  it('adds the hosted sign-in UI to connect-src and the tile host to img-src', () => {
    const csp = contentSecurityPolicy({
      authDomain: 'https://gridpatrol-demo-dev.auth.ap-east-1.amazoncognito.com',
      tileUrl: 'https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}',
    });
    expect(directive(csp, 'connect-src')).toBe(
      "connect-src 'self' https://gridpatrol-demo-dev.auth.ap-east-1.amazoncognito.com",
    );
    expect(directive(csp, 'img-src')).toBe("img-src 'self' data: blob: https://*.is.autonavi.com");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
  });
});
