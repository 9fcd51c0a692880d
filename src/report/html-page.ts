/** HTML building blocks of report.html (pure): escaping, tables, the page shell and its style. */
import type { ReportAssets } from './html-assets.js';
import { PAGE_SCRIPT } from './page-script.js';

export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A table; cells after the first `leftCols` are right-aligned. */
export function table(head: string[], rows: string[][], leftCols = 1, cls = ''): string {
  const cell = (tag: string, v: string, i: number) =>
    `<${tag}${i >= leftCols ? ' class="num"' : ''}>${esc(v)}</${tag}>`;
  return [
    `<table${cls ? ` class="${cls}"` : ''}><thead><tr>`,
    head.map((h, i) => cell('th', h, i)).join(''),
    '</tr></thead><tbody>',
    rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('\n'),
    '</tbody></table>',
  ].join('');
}

export function plotDivs(ids: string[]): string {
  return `<div class="plots">${ids.map((id) => `<div class="plot" data-plot="${esc(id)}"></div>`).join('')}</div>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1900px;padding:12px 20px;color:#222}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid #ddd;padding:2px 6px;white-space:nowrap}
th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}.meta td:first-child{font-weight:600}.status-completed{color:#1a7f37}.status-failed,.status-interrupted{color:#c62828}.status-degraded{color:#b26a00}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:10px}.plot{min-width:0;overflow:hidden}
pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px;max-height:400px}
.note{color:#555;font-size:12px}.recovered{border:2px solid #c62828;background:#fdecea;padding:4px 14px 8px;margin:14px 0}.recovered h2{margin-top:6px;border-bottom-color:#c62828;color:#c62828}.recovered ul{margin:4px 0;padding-left:20px}.method{max-width:1100px}
.verdict-better{background:#e6f4ea;color:#1a7f37;font-weight:600}.verdict-worse{background:#fdecea;color:#c62828;font-weight:600}
.verdict-no-significant-difference,.verdict-no-difference-within-precision{color:#555}.verdict-differs{background:#e8eaf6;color:#283593}.verdict-inconclusive,.verdict-not-comparable{background:#fff8e1;color:#8a6d00}.bracket-svg .bar{stroke-width:6}.bracket-baseline{stroke:#888}.bracket-run{stroke:#1f77b4}.bracket-svg .open{font-size:12px}.verdict-too-few-values,.verdict-needs-repetitions,.verdict-no-data{background:#fff8e1;color:#8a6d00}
.verdict-line{padding:4px 8px;display:inline-block}.ci-svg{display:block}.ci-svg .zero{stroke:#999;stroke-width:1}
.ci-svg .bar{stroke:#1f77b4;stroke-width:4;stroke-linecap:round}.ci-svg .point{fill:#222}
.ci-worse .bar{stroke:#c62828}.ci-better .bar{stroke:#1a7f37}.legend-band{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 4px}
@media print{body{max-width:none;padding:0}.plots{grid-template-columns:1fr 1fr}.plot,table{break-inside:avoid}pre{max-height:none}details{display:block}}
`;

/** The whole page: style and scripts inlined, the data as JSON (with `<` escaped so it cannot end the script). */
export function page(title: string, body: string, data: unknown, assets: ReportAssets): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${assets.uplotCss}\n${STYLE}</style>`,
    '</head><body>',
    body,
    `<script type="application/json" id="hpcbench-data">${json}</script>`,
    `<script>${assets.uplotJs}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
