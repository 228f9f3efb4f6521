/**
 * A series as a bar chart drawn in SVG by hand (docs/decisions/0054: ECharts' line and bar charts are
 * ~205 KB gzip, uPlot ~23 KB; a dozen points a chart need neither). Each bar says its dates and value
 * (`<title>`), and the same numbers are in a table for screen readers.
 */

import { barLayout, type SeriesPoint } from './chart-layout';

export type { SeriesPoint } from './chart-layout';

const W = 640;
const H = 180;
const LEFT = 40;
const BOTTOM = 22;

export function BarChart({
  title,
  points,
  testId,
}: {
  title: string;
  points: readonly SeriesPoint[];
  testId?: string;
}) {
  const layout = barLayout(points, W - LEFT, H - BOTTOM - 8);
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <g transform="translate(0, 8)">
          {layout.ticks.map((tick) => (
            <g key={tick.value}>
              <line x1={LEFT} x2={W} y1={tick.y} y2={tick.y} stroke="#e5e7eb" />
              <text x={LEFT - 6} y={tick.y + 4} text-anchor="end" font-size="11" fill="#374151">
                {Number.isInteger(tick.value) ? tick.value : tick.value.toFixed(1)}
              </text>
            </g>
          ))}
          {layout.bars.map((b, i) => (
            <g key={b.point.from}>
              <rect x={LEFT + b.x} y={b.y} width={b.width} height={Math.max(b.height, 0.5)} fill="#2563eb">
                <title>
                  {b.point.from === b.point.to ? b.point.from : `${b.point.from} – ${b.point.to}`}:{' '}
                  {b.point.value}
                </title>
              </rect>
              {i % labelEvery === 0 && (
                <text
                  x={LEFT + b.x + b.width / 2}
                  y={H - BOTTOM + 6}
                  text-anchor="middle"
                  font-size="11"
                  fill="#374151"
                >
                  {b.point.from.slice(5)}
                </text>
              )}
            </g>
          ))}
        </g>
      </svg>
      <table class="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.from}>
              <th scope="row">{p.from === p.to ? p.from : `${p.from} – ${p.to}`}</th>
              <td>{p.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
