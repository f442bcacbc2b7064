import type { BenchReport, ScenarioResult } from './results.js';

const WIDTH = 760;
const LEFT = 230;
const RIGHT = 40;
const ROW = 30;
const COLORS = {
  met: '#2f855a',
  missed: '#c53030',
  reported: '#4a5568',
  skipped: '#a0aec0',
  failed: '#a0aec0',
} as const;

const esc = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const n = (x: number) => Number(x.toFixed(1));

/**
 * A hand-written SVG of the report: throughput ratios as bars (with the 0.5x target line), and the
 * latency distributions (p50, p99, max on a log scale, with each p99 target).
 */
export function chart(report: BenchReport): string {
  const ratios = report.scenarios.filter((s) => s.ratio !== undefined && Number.isFinite(s.ratio));
  const latencies = report.scenarios.filter((s) => s.latency && Number.isFinite(s.latency.p50));
  const parts: string[] = [];
  let y = 28;
  parts.push(
    text(
      12,
      y,
      `Flagwire benchmark — ${report.machine.cores} cores, Node ${report.machine.node}`,
      15,
      'bold',
    ),
  );
  y += 16;
  parts.push(text(12, y, `${report.finishedAt.slice(0, 10)}, ${report.command}`, 11, 'normal', '#4a5568'));

  // Panel 1: throughput ratios.
  y += 30;
  parts.push(
    text(
      12,
      y,
      'Throughput ÷ bare node:http serving the same bytes: median (bar), each run pair (ticks)',
      13,
      'bold',
    ),
  );
  y += 14;
  const maxRatio =
    Math.max(
      1.2,
      ...ratios.flatMap((s) => [s.ratio ?? 0, ...(s.roundRatios ?? []).filter(Number.isFinite)]),
    ) * 1.08;
  const xr = (r: number) => LEFT + (r / maxRatio) * (WIDTH - LEFT - RIGHT);
  const top1 = y;
  for (const s of ratios) {
    const ratio = s.ratio ?? 0;
    parts.push(text(LEFT - 8, y + 18, s.id, 12, 'normal', '#1a202c', 'end'));
    parts.push(
      `<rect x="${LEFT}" y="${y + 6}" width="${n(xr(ratio) - LEFT)}" height="${ROW - 12}" fill="${COLORS[s.status]}"/>`,
    );
    for (const round of s.roundRatios ?? []) {
      if (!Number.isFinite(round)) continue;
      const x = n(xr(round));
      parts.push(
        `<line x1="${x}" y1="${y + 3}" x2="${x}" y2="${y + ROW - 3}" stroke="#1a202c" stroke-width="1.5"/>`,
      );
    }
    parts.push(
      text(
        n(xr(Math.max(ratio, ...(s.roundRatios ?? []).filter(Number.isFinite))) + 5),
        y + 18,
        `${ratio.toFixed(2)}x`,
        11,
      ),
    );
    y += ROW;
  }
  if (ratios.length === 0) {
    parts.push(text(LEFT, y + 18, 'no throughput scenario ran', 11, 'normal', '#718096'));
    y += ROW;
  }
  for (const [r, label, dash] of [
    [0.5, '0.5x target', '5,3'],
    [1, '1x = bare node', '2,3'],
  ] as const) {
    parts.push(
      `<line x1="${n(xr(r))}" y1="${top1}" x2="${n(xr(r))}" y2="${y + 4}" stroke="#1a202c" stroke-dasharray="${dash}"/>`,
    );
    parts.push(text(n(xr(r)), y + 16, label, 10, 'normal', '#1a202c', 'middle'));
  }
  y += 24;

  // Panel 2: latency distributions on a log scale.
  y += 24;
  parts.push(
    text(
      12,
      y,
      'Latency, ms (log scale): ● p50  ◆ p99  | max;  ◇ bare-node p99;  red tick: p99 target',
      13,
      'bold',
    ),
  );
  y += 14;
  const lo = 0.1;
  const hi = 10_000;
  const xl = (ms: number) =>
    LEFT +
    ((Math.log10(Math.min(hi, Math.max(lo, ms))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) *
      (WIDTH - LEFT - RIGHT);
  const top2 = y;
  for (const decade of [0.1, 1, 10, 100, 1000, 10_000]) {
    parts.push(
      `<line x1="${n(xl(decade))}" y1="${top2}" x2="${n(xl(decade))}" y2="${top2 + latencies.length * ROW + 4}" stroke="#e2e8f0"/>`,
    );
  }
  for (const s of latencies) {
    const l = s.latency;
    if (!l) continue;
    const mid = y + ROW / 2;
    parts.push(text(LEFT - 8, mid + 4, s.id, 12, 'normal', '#1a202c', 'end'));
    const color = COLORS[s.status];
    parts.push(
      `<line x1="${n(xl(l.p50))}" y1="${mid}" x2="${n(xl(l.max))}" y2="${mid}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(`<circle cx="${n(xl(l.p50))}" cy="${mid}" r="4.5" fill="${color}"/>`);
    const d = n(xl(l.p99));
    parts.push(
      `<path d="M${d} ${mid - 6} L${d + 6} ${mid} L${d} ${mid + 6} L${d - 6} ${mid} Z" fill="${color}"/>`,
    );
    parts.push(
      `<line x1="${n(xl(l.max))}" y1="${mid - 7}" x2="${n(xl(l.max))}" y2="${mid + 7}" stroke="${color}" stroke-width="2"/>`,
    );
    if (l.baselineP99 !== undefined) {
      const d0 = n(xl(l.baselineP99));
      parts.push(
        `<path d="M${d0} ${mid - 6} L${d0 + 6} ${mid} L${d0} ${mid + 6} L${d0 - 6} ${mid} Z" fill="none" stroke="#4a5568" stroke-width="1.5"/>`,
      );
    }
    if (l.targetP99 !== undefined) {
      const t = n(xl(l.targetP99));
      parts.push(
        `<line x1="${t}" y1="${mid - 10}" x2="${t}" y2="${mid + 10}" stroke="#e53e3e" stroke-width="2"/>`,
      );
    }
    parts.push(text(WIDTH - 4, mid + 4, `${fmtMs(l.p99)}`, 10, 'normal', '#4a5568', 'end'));
    y += ROW;
  }
  for (const decade of [0.1, 1, 10, 100, 1000, 10_000]) {
    parts.push(
      text(
        n(xl(decade)),
        y + 16,
        decade >= 1000 ? `${decade / 1000} s` : `${decade}`,
        10,
        'normal',
        '#4a5568',
        'middle',
      ),
    );
  }
  y += 24;

  // Panel 3: memory per idle connection.
  const memory = report.scenarios.filter(
    (s) => s.memoryKb !== undefined && Number.isFinite(s.memoryKb.subject),
  );
  if (memory.length > 0) {
    y += 24;
    parts.push(
      text(12, y, 'Server RSS per idle connection, KB: bar = service, outline = bare node', 13, 'bold'),
    );
    y += 14;
    const maxKb =
      Math.max(25, ...memory.flatMap((s) => [s.memoryKb?.subject ?? 0, s.memoryKb?.baseline ?? 0])) * 1.1;
    const xm = (kb: number) => LEFT + (Math.max(0, kb) / maxKb) * (WIDTH - LEFT - RIGHT);
    const top3 = y;
    for (const s of memory) {
      const kb = s.memoryKb;
      if (!kb) continue;
      parts.push(text(LEFT - 8, y + 18, s.id, 12, 'normal', '#1a202c', 'end'));
      parts.push(
        `<rect x="${LEFT}" y="${y + 6}" width="${n(xm(kb.subject) - LEFT)}" height="${ROW - 12}" fill="${COLORS[s.status]}"/>`,
      );
      if (kb.baseline !== undefined && Number.isFinite(kb.baseline))
        parts.push(
          `<rect x="${LEFT}" y="${y + 4}" width="${n(xm(kb.baseline) - LEFT)}" height="${ROW - 8}" fill="none" stroke="#1a202c" stroke-dasharray="3,2"/>`,
        );
      parts.push(
        text(n(xm(Math.max(kb.subject, kb.baseline ?? 0)) + 5), y + 18, `${kb.subject.toFixed(1)} KB`, 11),
      );
      y += ROW;
    }
    const t = n(xm(20));
    parts.push(
      `<line x1="${t}" y1="${top3}" x2="${t}" y2="${y + 4}" stroke="#e53e3e" stroke-dasharray="5,3"/>`,
    );
    parts.push(text(t, y + 16, '20 KB target', 10, 'normal', '#e53e3e', 'middle'));
    y += 24;
  }

  y += 12;
  parts.push(text(12, y, legend(report.scenarios), 10, 'normal', '#4a5568'));
  y += 12;
  const height = y + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function fmtMs(ms: number): string {
  return ms >= 100 ? `p99 ${Math.round(ms)} ms` : `p99 ${ms.toFixed(1)} ms`;
}

function legend(scenarios: readonly ScenarioResult[]): string {
  const count = (status: string) => scenarios.filter((s) => s.status === status).length;
  return (
    `Green: target met, red: missed, grey: no target. Of ${scenarios.length} rows (latest.md): ${count('met')} met, ` +
    `${count('missed')} missed, ${count('reported')} reported only${count('failed') ? `, ${count('failed')} failed` : ''}.`
  );
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  weight: 'normal' | 'bold' = 'normal',
  fill = '#1a202c',
  anchor: 'start' | 'middle' | 'end' = 'start',
): string {
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}">${esc(content)}</text>`;
}
