"""CSS, JavaScript and colours of the viewer pages, as string constants.

They live in Python rather than in .css/.js files so that the package needs no
package-data configuration, and every page can inline them (pages open from disk,
offline, and fetch nothing).
"""
from __future__ import annotations

# Entity colours after displaCy's defaults (ORG → AGENCY, DATE, CARDINAL → COUNT, …).
ENTITY_COLOURS = {
    "AGENCY": "#7aecec",
    "COUNT": "#e4e7d2",
    "PERCENT": "#ffeb80",
    "DATE": "#bfe1d9",
    "MONEY": "#feca74",
}

# Section bands: (rule colour, band background). Order is the usual order in a report.
SECTION_COLOURS = {
    "preamble": ("#8c959f", "#f6f8fa"),
    "overview": ("#0969da", "#eef5ff"),
    "proactive": ("#1a7f37", "#eefbf1"),
    "requests": ("#bc4c00", "#fff4eb"),
    "review_litigation": ("#cf222e", "#fff0f0"),
    "fees": ("#9a6700", "#fffbe6"),
    "problems": ("#8250df", "#f6f0ff"),
    "other": ("#1b7c83", "#edfafa"),
    "boilerplate": ("#afb8c1", "#f3f3f3"),
}

# Overview chart series: metric key → (legend, colour).
CHART_SERIES = {
    "requests.received": ("received", "#4e79a7"),
    "requests.completed": ("completed", "#59a14f"),
    "requests.carried_forward": ("carried forward", "#f28e2b"),
}

BASE_CSS = """
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bad:#cf222e;--badbg:#ffebe9;--warnbg:#fff8c5;--ok:#1a7f37}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#f6f8fa;
 font:14px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif}
a{color:#0969da}
header.top{padding:14px 24px 10px;background:#fff;border-bottom:1px solid var(--line)}
header.top nav{font-size:13px;margin-bottom:4px}
h1{font-size:20px;margin:0 0 6px;font-weight:650}
h2{font-size:15px;margin:14px 0 6px}
dl.meta{display:flex;flex-wrap:wrap;gap:2px 18px;margin:0;font-size:13px;color:var(--muted)}
dl.meta div{white-space:nowrap}dl.meta dt{display:inline;font-weight:600}dl.meta dd{display:inline;margin:0 0 0 4px;color:var(--fg)}
.alerts{margin:10px 24px 0}
.alert{border:1px solid;border-radius:6px;padding:6px 12px;margin:0 0 8px}
.alert h2{margin:2px 0;font-size:14px}.alert ul{margin:2px 0;padding-left:20px}
.alert.bad{border-color:#ff8182;background:var(--badbg);color:#82071e}
.alert.warn{border-color:#d4a72c;background:var(--warnbg);color:#4d2d00}
.alert.note{border-color:var(--line);background:#fff;color:var(--muted)}
.alert .name{font-weight:650;font-family:ui-monospace,monospace}
table.grid{border-collapse:collapse;font-size:12px;width:100%}
table.grid th,table.grid td{border:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
table.grid th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,.key{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.ok{color:var(--ok)}.failed{color:var(--bad);font-weight:600}.muted{color:var(--muted)}
"""

REPORT_CSS = """
.layout{display:grid;grid-template-columns:minmax(0,1fr) 440px;gap:16px;padding:10px 24px 24px;align-items:start}
@media (max-width:1100px){.layout{grid-template-columns:minmax(0,1fr)}.panel{position:static;max-height:none}}
.doc,.panel{background:#fff;border:1px solid var(--line);border-radius:6px}
.doc{padding:10px 16px 16px}
.panel{position:sticky;top:8px;max-height:calc(100vh - 16px);overflow:auto;padding:4px 12px 12px}
.legend{display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:12px;padding:4px 0 10px;border-bottom:1px solid var(--line);margin-bottom:8px}
.legend .lg{font:inherit;font-weight:700;border:0;border-radius:.35em;padding:2px 8px;cursor:pointer;background:var(--ec,#ddd)}
.legend .lg[aria-pressed=false]{opacity:.35;text-decoration:line-through}
.legend .sw{display:inline-flex;align-items:center;gap:4px;color:var(--muted)}
.legend .sw i{display:inline-block;width:12px;height:12px;border-radius:2px;background:var(--sc)}
.text .p{position:relative;margin:2px 0 2px 132px;padding:3px 10px;border-left:5px solid var(--sc,#d0d7de);
 background:var(--sb,#fff);white-space:pre-wrap;overflow-wrap:anywhere;line-height:2}
.text .p::before{content:attr(data-section);position:absolute;left:-136px;width:124px;top:3px;text-align:right;
 font-size:11px;font-weight:650;line-height:1.6;color:var(--sc,#8c959f);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.text .p.cont::before{opacity:.4;font-weight:400}
.text .p.gap{--sc:#d0d7de;--sb:repeating-linear-gradient(45deg,#fff,#fff 6px,#f6f8fa 6px,#f6f8fa 12px)}
.text .p.h-top{font-weight:700;font-size:15px}.text .p.h-sub{font-weight:600}
mark.e{background:var(--ec,#ddd);color:inherit;padding:.12em .3em;margin:0 .1em;border-radius:.35em;line-height:1;
 -webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.e::after{content:attr(data-label);font-size:.58em;font-weight:700;letter-spacing:.02em;margin-left:.4em;vertical-align:middle}
mark.e.cont::after{content:none}
.ev{border-radius:.3em}
.ev.flash{animation:flash 1.8s ease-out}
@keyframes flash{0%,40%{outline:3px solid #bf8700;background:#fff1a8}100%{outline:3px solid transparent;background:transparent}}
.panel table.grid{margin-bottom:4px}
.panel td.key{overflow-wrap:anywhere}.panel td.name{white-space:nowrap}
.panel .scroll{overflow-x:auto}.panel table.table td.key{min-width:150px;font-size:11px}
.panel table.table th.num{font-size:11px;white-space:normal;min-width:34px}
.nokept{padding:24px;color:var(--muted);font-size:15px}
"""

OVERVIEW_CSS = """
main{padding:10px 24px 24px}
.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:0 0 8px;font-size:13px}
.controls input[type=search]{font:inherit;padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:6px}
.controls select{font:inherit;padding:3px 6px}
table.reports{background:#fff;font-size:12.5px}
table.reports th{position:sticky;top:0;z-index:1;white-space:nowrap}
table.reports th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
table.reports th[aria-sort=ascending] button::after{content:" \\25B2";font-size:.8em}
table.reports th[aria-sort=descending] button::after{content:" \\25BC";font-size:.8em}
table.reports tr.is-error td{background:var(--badbg)}
table.reports td.agency{white-space:nowrap}
table.reports tbody tr:hover td{background:#f0f6ff}
td.src .dir{color:var(--muted);font-size:11px}
td.checks{color:var(--bad);font-weight:600}
td.err{color:var(--bad)}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 8px;
 content-visibility:auto;contain-intrinsic-size:auto 360px auto 210px}
figure.chart figcaption{font-size:13px;font-weight:600}
.key-legend{display:flex;gap:14px;font-size:12px;margin:4px 0 8px}
.key-legend i{display:inline-block;width:10px;height:10px;margin-right:4px;background:var(--c)}
svg text{font:10px system-ui,sans-serif;fill:#57606a}svg line{stroke:#d0d7de}
svg .ax{text-anchor:end}svg .yr,svg .na{text-anchor:middle}svg .na{fill:#afb8c1}
svg .on,svg .in{font-size:8.5px}svg .in{fill:#fff;text-anchor:end}
table.reports td:nth-child(1),table.reports td:nth-child(4),table.reports td:nth-child(n+6):nth-child(-n+11),
table.reports td:nth-child(13){text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
"""

# Evidence links scroll to and flash their target; legend buttons hide a label's marks.
# No inline handlers: the page's Content-Security-Policy allows only this script (by hash).
REPORT_JS = """(function(){
function flash(el){el.classList.remove('flash');void el.offsetWidth;el.classList.add('flash');}
document.addEventListener('click',function(ev){
 var a=ev.target.closest('a[data-targets]');
 if(a){
  ev.preventDefault();
  var first=null;
  a.getAttribute('data-targets').split(' ').forEach(function(id){
   var el=document.getElementById(id);
   if(el){if(!first){first=el;}flash(el);}
  });
  if(first){first.scrollIntoView({block:'center',inline:'nearest'});}
  return;
 }
 var b=ev.target.closest('button[data-toggle]');
 if(b){
  var shown=b.getAttribute('aria-pressed')!=='false';
  b.setAttribute('aria-pressed',shown?'false':'true');
  document.body.classList.toggle('hide-'+b.getAttribute('data-toggle'),shown);
 }
});
})();"""

# Sorting by a column (numbers by their data-v, empty cells last) and filtering rows by
# words and by state, over rows rendered in the page (the table works without script too).
OVERVIEW_JS = """(function(){
var table=document.getElementById('reports');if(!table){return;}
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
// What a row matches: each cell's text and tooltip (warnings, check details), apart.
var keys=rows.map(function(r){
 return Array.prototype.map.call(r.cells,function(c){return c.textContent+'\\n'+(c.title||'');}).join('\\n').toLowerCase();
});
rows.forEach(function(r,i){r.setAttribute('data-i',i);});
var q=document.getElementById('filter'),only=document.getElementById('only'),shown=document.getElementById('shown');
function apply(){
 var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean),state=only.value,n=0;
 rows.forEach(function(r,i){
  var ok=(state==='all'||r.classList.contains(state))&&words.every(function(w){return keys[i].indexOf(w)>=0;});
  r.hidden=!ok;if(ok){n++;}
 });
 shown.textContent=String(n);
}
var timer=null;
q.addEventListener('input',function(){clearTimeout(timer);if(rows.length>2000){timer=setTimeout(apply,120);}else{apply();}});
only.addEventListener('change',apply);
function cell(r,c,numeric){
 var td=r.cells[c],v=td.getAttribute('data-v');
 if(v===null){v=td.textContent.trim();}
 if(v===''){return null;}
 return numeric?parseFloat(v):v;
}
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,c){
 var btn=th.querySelector('button');if(!btn){return;}
 btn.addEventListener('click',function(){
  var numeric=th.classList.contains('num'),dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',dir===1?'ascending':'descending');
  var order=rows.map(function(r){return [cell(r,c,numeric),+r.getAttribute('data-i'),r];});
  order.sort(function(a,b){
   if(a[0]===null||b[0]===null){return a[0]===b[0]?a[1]-b[1]:(a[0]===null?1:-1);}
   var d=numeric?a[0]-b[0]:a[0].localeCompare(b[0],'zh');
   return d?d*dir:a[1]-b[1];
  });
  var frag=document.createDocumentFragment();
  order.forEach(function(o){frag.appendChild(o[2]);});
  body.appendChild(frag);
 });
});
apply();
})();"""
