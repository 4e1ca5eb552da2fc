/**
 * The report's inline styles (the browser code is in client/, bundled into client-bundle.ts).
 * Plain CSS in a string: html.ts inlines it in a <style> element; the CSP allows inline styles only.
 */
export const CLIENT_CSS = `
:root { --ink: #1d1d1f; --muted: #6b6b70; --line: #e6e3de; --bg: #fbfaf8; --card: #fff; --accent: #b2182b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 30px; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 40px 0 12px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 0 6px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0 0 4px; }
.facts { color: var(--muted); margin: 0; }
.sep { margin: 0 6px; color: #b8b4ad; }
.muted { color: var(--muted); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.lede { font-size: 17px; max-width: 880px; }
.lede-stage { font-size: 15px; max-width: 880px; margin-top: -6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
.card { display: flex; flex-direction: column; justify-content: flex-start; text-align: left; font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; cursor: pointer; position: relative; }
.card:hover { border-color: #c9c3ba; box-shadow: 0 2px 10px rgba(0,0,0,.05); }
.rank { position: absolute; top: 12px; right: 14px; color: #b8b4ad; font-weight: 600; }
.card-title { font-weight: 650; font-size: 16px; padding-right: 28px; }
.card-sub { color: var(--muted); font-size: 13px; margin-bottom: 8px; }
.card-stats .big { font-size: 24px; font-weight: 700; color: var(--accent); }
.card-trend { font-size: 12px; color: var(--muted); min-height: 18px; }
.card blockquote { margin: 8px 0 0; font-style: italic; color: #3a3a3c; font-size: 13px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.alerts { margin-top: 18px; background: #fff6f2; border: 1px solid #f3d3c6; border-radius: 10px; padding: 4px 16px 8px; }
.alerts ul { margin: 0; padding-left: 18px; }
.linkish { font: inherit; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }
.bar { margin-top: 36px; position: sticky; top: 0; background: var(--bg); padding: 8px 0; z-index: 3; }
#controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
body.hide-children table.hm tr.child { display: none; }
.toggle { font-size: 13px; margin-right: 14px; cursor: pointer; user-select: none; }
.metric-btn { font: inherit; font-size: 13px; border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 4px 12px; cursor: pointer; }
.emotion-select { font: inherit; font-size: 13px; border: 1px solid var(--line); border-radius: 999px; padding: 3px 8px; background: #fff; }
.metric-btn[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
#legend { display: flex; gap: 8px; align-items: center; font-size: 12px; margin: 4px 0 0; flex-wrap: wrap; }
.legend-bar { display: inline-block; width: 140px; height: 10px; border-radius: 5px; }
.legend-note { color: var(--muted); margin-left: 12px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 24px; align-items: start; }
@media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
table.hm { border-collapse: separate; border-spacing: 2px; font-size: 13px; padding: 6px; width: 100%; }
table.hm th.col { font-weight: 600; font-size: 12px; color: #3a3a3c; padding: 4px 6px; min-width: 64px; vertical-align: bottom; }
table.hm th.corner { text-align: left; color: var(--muted); font-weight: 500; font-size: 12px; }
table.hm th.row { text-align: left; font-weight: 600; padding: 2px 10px 2px 4px; white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
.depth1 { padding-left: 18px !important; font-weight: 400 !important; }
.depth2, .depth3 { padding-left: 32px !important; font-weight: 400 !important; color: #3a3a3c; }
td.cell { text-align: center; padding: 6px 4px; border-radius: 4px; cursor: pointer; font-variant-numeric: tabular-nums; min-width: 64px; position: relative; }
td.cell.empty { background: #f3f1ed; cursor: default; }
td.cell.unassigned { background: repeating-linear-gradient(45deg, #eeeeee, #eeeeee 4px, #e4e4e4 4px, #e4e4e4 8px); color: #777; }
table.hm tr.unassigned th, table.hm tr.unassigned td { border-top: 2px dashed #ccc; }
table.hm th.col.unassigned { color: #888; font-style: italic; }
.legend-def { flex-basis: 100%; color: var(--muted); }
.per100 { font-size: 12px; }
td.cell.small { opacity: .55; }
td.cell.anomaly::after { content: "\\25B2"; position: absolute; top: 1px; right: 3px; font-size: 8px; }
td.cell:hover, td.cell:focus { outline: 2px solid #1d1d1f; outline-offset: -1px; }
td.cell.selected { outline: 3px solid #1d1d1f; outline-offset: -2px; }
#detail { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; position: sticky; top: 84px; max-height: calc(100vh - 100px); overflow: auto; margin-top: 40px; }
#detail h3 { margin-top: 0; font-size: 18px; }
dl.stats { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 8px 0; font-size: 13px; }
dl.stats dt { color: var(--muted); }
dl.stats dd { margin: 0; }
.small-caption { font-size: 12px; margin: 8px 0 2px; }
figure.quote { margin: 0 0 12px; }
figure.quote blockquote { margin: 0; padding: 8px 12px; border-left: 3px solid #e0a08a; background: #fcf8f5; border-radius: 0 6px 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
figure.quote figcaption { font-size: 12px; color: var(--muted); margin-top: 3px; }
table.plain { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 10px; font-size: 13px; }
table.plain th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: 8px 10px; }
table.plain td { border-bottom: 1px solid #f0ede8; padding: 7px 10px; vertical-align: middle; }
table.plain tr.clickable { cursor: pointer; }
table.plain tr.clickable:hover td { background: #faf6f2; }
table.plain td.trend-up { color: var(--accent); font-weight: 600; }
table.kv td:first-child { color: var(--muted); width: 220px; }
table.kv thead { display: none; }
svg.spark { vertical-align: middle; }
#journey .journey-wrap { display: flex; gap: 18px; align-items: flex-start; overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
.journey-stages { display: grid; gap: 0; }
.journey-apart { border-left: 2px dashed var(--line); padding-left: 14px; width: 170px; flex: none; }
.stage { padding: 8px 10px; border-right: 1px solid #f0ede8; font-size: 13px; }
.stage.picked { background: #faf6f2; }
.stage.unassigned { color: var(--muted); background: #f3f1ed; border-radius: 8px; border: 0; }
.stage-name { font: inherit; font-weight: 650; font-size: 15px; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: left; text-decoration: underline dotted; }
.stage-vol { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.stage-pain { border-radius: 6px; padding: 6px 8px; margin-bottom: 6px; background: #eeeae4; }
.stage-pain .big { font-size: 20px; font-weight: 700; }
.stage-pain .ci { font-size: 11px; opacity: .85; }
.stage-sent { font-size: 12px; margin-bottom: 6px; }
.stage-emotions { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 6px; }
button.emo { font: inherit; font-size: 12px; background: #fff; border: 2px solid #999; border-radius: 999px; padding: 1px 8px; cursor: pointer; }
.stage-sub { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.stage-pains { margin: 2px 0 0; padding-left: 18px; font-size: 12px; }
.emo-legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; margin: 6px 0; }
.emo-key { border-left: 14px solid #999; padding-left: 5px; }
svg.curve { display: block; }
svg.curve .grid { stroke: #eee; }
svg.curve .axis { font-size: 10px; fill: #999; }
svg.curve .emo-dot { cursor: pointer; }
.journey-detail { margin-top: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; max-width: 880px; }
.note-small { font-size: 12px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; margin: 16px 0 0; padding: 10px 14px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; font-size: 13px; }
.filter-title { font-weight: 650; }
.filter { display: inline-flex; gap: 6px; align-items: center; }
.filter-select { font: inherit; font-size: 13px; border: 1px solid var(--line); border-radius: 6px; padding: 2px 6px; background: #fff; }
.filter-note { color: var(--muted); flex-basis: 100%; font-size: 12px; }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
`;
