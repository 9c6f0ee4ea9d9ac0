/**
 * CSS of the HTML outcome report: a page that fits 1280 px (max 1180 px of content), numbers right-aligned
 * with their headers, text left-aligned, charts that shrink with the page, and a print layout (A4
 * landscape, detail rows opened, no clipped tables or charts).
 */
export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 2rem auto; max-width: 1180px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.summary { font-size: 1.05rem; max-width: 70rem; background: #f5f8fb; border-left: 4px solid #0072b2; padding: .6rem .9rem; }
.meta { color: #666; font-size: .85rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; width: 100%; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #f6f6f6; font-weight: 600; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; }
td.text { overflow-wrap: break-word; }
td .sub { display: block; color: #666; font-size: .8rem; }
tr.detail td { border-bottom: 1px solid #e5e5e5; padding-top: 0; background: #fcfcfc; }
tr.has-detail td { border-bottom: none; }
details > summary { cursor: pointer; color: #0b5394; font-size: .85rem; }
details dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; font-size: .85rem; }
details dt { color: #555; } details dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.yes { color: #2f7d32; } .no { color: #b3261e; }
svg.chart, svg.plot { max-width: 100%; height: auto; display: block; }
.chart text { font: 12px system-ui, sans-serif; fill: #333; }
.chart .tick { font-size: 11px; fill: #555; }
.chart .dropped { fill: #888; font-style: italic; }
.note { color: #555; font-size: .9rem; max-width: 70rem; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: .8rem; margin: .4rem 0 1rem; }
.plots figure { margin: 0; }
.plots figcaption { font-size: .85rem; color: #555; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  table { font-size: 8.5pt; }
  th, td { padding: .15rem .3rem; }
  h2 { break-after: avoid; }
  tr, figure, svg { break-inside: avoid; }
  details > summary { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  .summary { background: none; }
  .plots { grid-template-columns: 1fr 1fr; }
}
`;
