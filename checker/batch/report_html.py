"""report.html: one self-contained file (inline CSS, JS, data and an SVG chart; nothing is
fetched when it is viewed). Flagged spans are highlighted in their segment; hovering shows the
reason, clicking shows reason and suggestions; filters by kind, minimum score and system.

Invariants: segment text reaches the page only as JSON inside a <script type="application/json">
block with every <, > and & written as \\u escapes, so no text (`<!--<script>`, `</script>`) can end
or re-mode the block; the JavaScript escapes what it inserts. Span offsets in the embedded data
are UTF-16 code units, which is what JavaScript strings count (Python's offsets count code
points; they differ after any character outside the BMP). When more segments are flagged than
the report embeds, the page says so."""
from __future__ import annotations

import html
import json
from typing import Any

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.seg{border-bottom:1px solid #eee;padding:6px 0} .meta{color:#777;font-size:12px}
mark{padding:0 2px;border-radius:3px;cursor:pointer}
mark.k-non-word,mark.k-misspelling{background:#ffd2d2} mark.k-foreign,mark.k-untranslated{background:#d6e6ff}
mark.k-script{background:#f0d6ff} mark.k-repetition{background:#fff0b3} mark.k-wrong-word{background:#d4f5d4}
#detail{position:fixed;right:1em;bottom:1em;max-width:28em;background:#fff;border:1px solid #888;
padding:.6em .8em;box-shadow:0 2px 8px #0003;display:none}
.filters label{margin-right:1em} .bar{fill:#4a78b5} .axis{font-size:11px;fill:#444}
"""

_JS = """
const DATA = JSON.parse(document.getElementById('data').textContent);
const list = document.getElementById('segments'), detail = document.getElementById('detail');
function esc(s){return s.replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));}
function render(){
  const kinds = new Set([...document.querySelectorAll('input.kind:checked')].map(e => e.value));
  const minScore = parseFloat(document.getElementById('minscore').value);
  const system = document.getElementById('system').value;
  document.getElementById('minscore-v').textContent = minScore.toFixed(2);
  let html = '', shown = 0;
  DATA.forEach((seg, si) => {
    if (system && seg.system !== system) return;
    const an = seg.anomalies.map((a, ai) => [a, ai]).filter(([a]) => kinds.has(a.kind) && a.score >= minScore);
    if (!an.length) return;
    shown++;
    let out = '', pos = 0;
    an.sort((x, y) => x[0].start - y[0].start).forEach(([a, ai]) => {
      if (a.start < pos) return;
      out += esc(seg.text.slice(pos, a.start));
      const tip = a.kind + ' (' + a.score.toFixed(2) + '): ' + a.reason;
      out += '<mark class="k-' + a.kind + '" title="' + esc(tip) + '" data-s="' + si + '" data-a="' + ai + '">'
           + esc(seg.text.slice(a.start, a.end) || '\\u2423') + '</mark>';
      pos = a.end;
    });
    out += esc(seg.text.slice(pos));
    html += '<div class="seg"><div class="meta">' + esc(seg.path) + ':' + seg.line
         + (seg.system ? ' \\u00b7 ' + esc(seg.system) : '') + '</div>' + out + '</div>';
  });
  list.innerHTML = html || '<p>No anomaly matches the filters.</p>';
  document.getElementById('count').textContent = shown;
}
list.addEventListener('click', e => {
  const m = e.target.closest('mark'); if (!m) return;
  const a = DATA[+m.dataset.s].anomalies[+m.dataset.a];
  const sugg = a.suggestions.map(s => '<li>' + (s.text === '' ? '<i>delete</i>' : esc(s.text)) + ' (' + s.score.toFixed(2) + ')</li>').join('');
  detail.innerHTML = '<b>' + esc(a.kind) + '</b> ' + a.score.toFixed(2) + '<br>' + esc(a.reason)
    + (sugg ? '<br>Suggestions:<ol>' + sugg + '</ol>' : '<br>No suggestion.') + '<br><a href="#" id="close">close</a>';
  detail.style.display = 'block';
});
detail.addEventListener('click', e => { if (e.target.id === 'close') { e.preventDefault(); detail.style.display = 'none'; } });
document.querySelectorAll('.filters input, .filters select').forEach(e => e.addEventListener('input', render));
render();
"""


def _cap_note(summary: dict[str, Any]) -> str:
    flagged, shown = summary.get("flagged_segments", summary["flagged_segments_shown"]), summary["flagged_segments_shown"]
    if flagged <= shown:
        return ""
    return (f'<p class="cap"><b>Only the first {shown:,} of {flagged:,} flagged segments are embedded in this page</b> '
            f'(the page would grow too large); every one is in segments.jsonl, and the tables above count all.</p>')


def _chart(summary: dict[str, Any]) -> str:
    """Horizontal bars: anomalies per 1,000 words per system (or per file without systems)."""
    groups = summary["systems"] or summary["files"]
    items = sorted(groups.items(), key=lambda kv: -kv[1]["anomalies_per_1k"])[:60]
    if not items:
        return ""
    top = max(v["anomalies_per_1k"] for _, v in items) or 1.0
    row, label_w, bar_w = 16, 300, 420
    h = row * len(items) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" height="{h}" role="img" '
             f'aria-label="anomalies per 1,000 words">']
    for i, (name, v) in enumerate(items):
        y = i * row + 4
        w = bar_w * v["anomalies_per_1k"] / top
        parts.append(f'<text class="axis" x="{label_w - 6}" y="{y + 11}" text-anchor="end">{html.escape(name[-48:])}</text>'
                     f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 4}"/>'
                     f'<text class="axis" x="{label_w + w + 4:.1f}" y="{y + 11}">{v["anomalies_per_1k"]:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(groups: dict[str, Any], first: str) -> str:
    kinds = sorted({k for g in groups.values() for k in g["per_1k_by_kind"]})
    scored = any("mt_scores" in g for g in groups.values())
    head = [first, "segments", "words", "anomalies", "per 1k words"] + [f"{k} /1k" for k in kinds]
    if scored:
        head += ["BLEU", "BLEU fixed", "chrF", "chrF fixed", "TER", "TER fixed"]
    rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for name, g in groups.items():
        cells = [name, g["segments"], g["words"], g["anomalies"], f'{g["anomalies_per_1k"]:.2f}']
        cells += [f'{g["per_1k_by_kind"].get(k, 0.0):.2f}' for k in kinds]
        if scored:
            m = g.get("mt_scores")
            cells += ([m[x][y] for x in ("BLEU", "chrF", "TER") for y in ("as_is", "fixed")] if m else [""] * 6)
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _script_json(obj: Any) -> str:
    """JSON that is inert inside a <script> element: no <, > or & at all (they are \\u escapes
    in JSON strings), so neither `</script>` nor `<!--` can change how the page is parsed."""
    return (json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _utf16_offsets(seg: dict) -> dict:
    """A copy of a flagged segment whose anomaly offsets count UTF-16 code units, as JavaScript's
    String.slice does; only text outside the BMP (emoji, some CJK) makes them differ."""
    text = seg["text"]
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return seg

    def u16(i: int) -> int:
        return i + sum(1 for c in text[:i] if ord(c) >= 0x10000)

    return {**seg, "anomalies": [{**a, "start": u16(a["start"]), "end": u16(a["end"])} for a in seg["anomalies"]]}


def render_report(summary: dict[str, Any], shown: list[dict]) -> str:
    kinds = sorted({a["kind"] for s in shown for a in s["anomalies"]})
    systems = sorted({s["system"] for s in shown if s["system"]})
    t = summary["total"]
    data = _script_json([_utf16_offsets(seg) for seg in shown])
    sigs = sorted({m[x]["signature"] for g in summary["systems"].values() if (m := g.get("mt_scores"))
                   for x in ("BLEU", "chrF", "TER")})
    problems = "".join(f"<li>{html.escape(str(p['path']))}{'' if p['line'] is None else ':' + str(p['line'])}: "
                       f"{html.escape(p['message'])}</li>" for p in summary["problems"])
    filters = ('<div class="filters">' + "".join(
        f'<label><input type="checkbox" class="kind" value="{html.escape(k)}" checked> {html.escape(k)}</label>' for k in kinds)
        + '<label>min score <input type="range" id="minscore" min="0" max="1" step="0.05" value="0">'
        + ' <span id="minscore-v"></span></label>'
        + '<label>system <select id="system"><option value="">all</option>'
        + "".join(f'<option>{html.escape(s)}</option>' for s in systems) + "</select></label></div>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>checker report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body>
<h1>Translation check report</h1>
<p>{t["segments"]:,} segments, {t["words"]:,} words, {t["anomalies"]:,} anomalies
({t["anomalies_per_1k"]:.2f} per 1,000 words). checker {html.escape(summary["checker"])};
fixes applied for the "fixed" scores: top suggestion with score &ge; {summary["fix_at"]}.</p>
{"<h2>Input problems</h2><ul>" + problems + "</ul>" if problems else ""}
{"<p class='meta'>Skipped (language not supported): " + html.escape(", ".join(p["path"].rsplit("/", 1)[-1] for p in summary.get("skipped_files", []))) + "</p>" if summary.get("skipped_files") else ""}
<h2>Anomalies per 1,000 words</h2>
{_chart(summary)}
<h2>{"Systems" if summary["systems"] else "Files"}</h2>
{_table(summary["systems"] or summary["files"], "system" if summary["systems"] else "file")}
{"<p class='meta'>" + "<br>".join(html.escape(s) for s in sigs) + "</p>" if sigs else ""}
<h2>Flagged segments (<span id="count"></span> shown of {summary["flagged_segments_shown"]:,} embedded)</h2>
{_cap_note(summary)}
{filters}
<div id="segments"></div>
<div id="detail"></div>
<script type="application/json" id="data">{data}</script>
<script>{_JS}</script>
</body></html>
"""
