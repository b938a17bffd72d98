import type { LogEntry } from '../trainer-state.js';

export interface LossPlotOptions {
  title?: string;
  width?: number;
  height?: number;
}

interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

const MARGIN = { left: 64, right: 20, top: 36, bottom: 48 };

/**
 * The training (and evaluation) loss against the step as a standalone SVG document: open it in
 * any browser or image viewer, embed it in a README; nothing but the text is needed to draw it.
 */
export function renderLossPlot(history: readonly LogEntry[], options: LossPlotOptions = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 400;
  const series: Series[] = [
    { label: 'train loss', color: '#1f77b4', points: pointsOf(history, 'loss') },
    { label: 'eval loss', color: '#d62728', points: pointsOf(history, 'eval_loss') },
  ].filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title ?? 'loss')}</text>`,
  ];
  if (all.length === 0) {
    out.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no loss was logged</text>`,
      '</svg>',
    );
    return out.join('\n');
  }
  const xs = niceRange(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = niceRange(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const px = (x: number) => MARGIN.left + ((x - xs.min) / (xs.max - xs.min)) * plotW;
  const py = (y: number) => MARGIN.top + plotH - ((y - ys.min) / (ys.max - ys.min)) * plotH;

  out.push(`<g stroke="#ddd">`);
  for (const t of ys.ticks)
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(py(t))}" y2="${f(py(t))}"/>`);
  out.push('</g>');
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
  );
  for (const t of ys.ticks)
    out.push(`<text x="${MARGIN.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  for (const t of xs.ticks)
    out.push(`<text x="${f(px(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 10}" text-anchor="middle">step</text>`);
  out.push(
    `<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">loss</text>`,
  );
  series.forEach((s, i) => {
    const path = s.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${path}"/>`);
    if (s.points.length <= 40) {
      for (const [x, y] of s.points)
        out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="2.5" fill="${s.color}"/>`);
    }
    const ly = MARGIN.top + 14 + i * 16;
    out.push(
      `<line x1="${MARGIN.left + plotW - 110}" x2="${MARGIN.left + plotW - 90}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${MARGIN.left + plotW - 84}" y="${ly}">${s.label}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function pointsOf(history: readonly LogEntry[], key: string): [number, number][] {
  return history
    .filter((e) => typeof e[key] === 'number' && Number.isFinite(e[key]))
    .map((e) => [e.step, e[key]!] as [number, number]);
}

/** An axis range widened to round numbers, with ~5 ticks on round values. */
function niceRange(lo: number, hi: number): { min: number; max: number; ticks: number[] } {
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min, max, ticks };
}

function label(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function f(x: number): string {
  return x.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
