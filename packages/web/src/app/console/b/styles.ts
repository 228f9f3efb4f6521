/** The desk pages' styles: wider than a phone, tables and cards; the field app's look otherwise. */
export const CONSOLE_CSS = `
.console { max-width: 1180px; }
.console .part { margin: 1.25rem 0; }
.console table { border-collapse: collapse; width: 100%; font-size: .9rem; }
.console th, .console td { border-bottom: 1px solid #d1d5db; padding: .3rem .45rem; text-align: left; vertical-align: top; }
.console th { background: #f3f4f6; }
.console td.n, .console th.n { text-align: right; font-variant-numeric: tabular-nums; }
.console .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; }
.console .card { border: 1px solid #d1d5db; border-radius: 6px; padding: .6rem .75rem; background: #fff; }
.console .card .v { font-size: 1.5rem; font-weight: 600; display: block; }
.console .card .k { color: #374151; font-size: .85rem; }
.console .row { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; }
.console .row label { display: flex; flex-direction: column; font-size: .9rem; gap: .2rem; }
.console .gp-map.big { height: 420px; }
.console .legend { display: flex; flex-wrap: wrap; gap: .75rem; font-size: .85rem; margin: .4rem 0; padding: 0; list-style: none; }
.console .legend i { display: inline-block; width: 14px; height: 14px; margin-right: .3rem; vertical-align: -2px; border: 2px solid; }
.console .problem.selected { background: #fef3c7; }
.console .problem button { font-size: .85rem; }
.console .chart svg { width: 100%; height: auto; max-width: 720px; }
.console .chart figcaption { font-size: .9rem; color: #374151; }
.console dialog { max-width: 560px; border: 1px solid #9ca3af; border-radius: 8px; }
.console .inactive { color: #4b5563; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.console .scroll { max-height: 320px; overflow: auto; }
`;
