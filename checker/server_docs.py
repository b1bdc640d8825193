"""The /docs page of `checker serve`: the API as one self-contained HTML page rendered from the
OpenAPI schema, with a form to try POST /v1/check.

The page has no external URL (no CDN script, style, font or image), so it works offline; its
Content-Security-Policy (``DOCS_CSP``, sent with the page) tells the browser so: only the page's
own inline script and style run (by their SHA-256 hashes), and it may talk only to this server.
FastAPI's own /docs and /redoc load their scripts from a CDN, so the app turns them off.
"""

import hashlib
import html
from base64 import b64encode


def _schema_type(s: dict) -> str:
    if "$ref" in s:
        return s["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in s:
        return " or ".join(_schema_type(x) for x in s["anyOf"])
    t = s.get("type", "any")
    if t == "array":
        return f"array of {_schema_type(s.get('items', {}))}"
    if "minimum" in s or "maximum" in s:
        t += f" {s.get('minimum', '')}..{s.get('maximum', '')}"
    return t


_DOCS_STYLE = ("body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
               "code,pre,textarea,input{font:13px ui-monospace,monospace}table{border-collapse:collapse;margin:.5rem 0}"
               "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}"
               "h2{border-top:1px solid #ddd;padding-top:1rem}.m{font-weight:bold;color:#06c}"
               "textarea{width:100%;height:8rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto}")
_DOCS_SCRIPT = """
document.getElementById('go').addEventListener('click', async () => {
  const v = id => document.getElementById(id).value;
  const body = {text: v('text')};
  if (v('lang')) body.lang = v('lang');
  if (v('fail_at')) body.fail_at = Number(v('fail_at'));
  const headers = {'content-type': 'application/json'};
  if (v('token')) headers.authorization = 'Bearer ' + v('token');
  const out = document.getElementById('out');
  out.textContent = '...';
  try {
    const r = await fetch('/v1/check', {method: 'POST', headers, body: JSON.stringify(body)});
    out.textContent = r.status + '\\n' + JSON.stringify(await r.json(), null, 2);
  } catch (e) { out.textContent = String(e); }
});
"""


def _csp_hash(s: str) -> str:
    return "'sha256-" + b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"


# the page may run only its own script and style, and talk only to this server
DOCS_CSP = (f"default-src 'none'; script-src {_csp_hash(_DOCS_SCRIPT)}; style-src {_csp_hash(_DOCS_STYLE)}; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def docs_page(spec: dict) -> str:
    """/docs: the OpenAPI schema as one HTML page with a form to try /v1/check; no external URL."""
    e = html.escape
    info = spec.get("info", {})
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(info.get('title', ''))} API</title>",
           f"<style>{_DOCS_STYLE}</style></head><body>",
           f"<h1>{e(info.get('title', ''))} {e(str(info.get('version', '')))}</h1>",
           f"<p>{e(info.get('description', ''))}</p><p>Machine-readable: <a href='/openapi.json'>/openapi.json</a></p>"]

    def props_table(schema: dict) -> None:
        req = set(schema.get("required", ()))
        rows = "".join(f"<tr><td><code>{e(k)}</code></td><td>{e(_schema_type(v))}</td>"
                       f"<td>{'yes' if k in req else 'no'}</td><td>{e(v.get('description', ''))}</td></tr>"
                       for k, v in schema.get("properties", {}).items())
        out.append(f"<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>{rows}</table>")

    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            out.append(f"<h2><span class='m'>{e(method.upper())}</span> <code>{e(path)}</code></h2>")
            if op.get("summary"):
                out.append(f"<p>{e(op['summary'])}</p>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                out.append("<h3>Request body (JSON)</h3>")
                props_table(body)
            rows = ""
            for code, r in op.get("responses", {}).items():
                schema = r.get("content", {}).get("application/json", {}).get("schema")
                rows += (f"<tr><td>{e(str(code))}</td><td>{e(r.get('description', ''))}</td>"
                         f"<td>{e(_schema_type(schema)) if schema else ''}</td></tr>")
            out.append(f"<h3>Responses</h3><table><tr><th>status</th><th>meaning</th><th>body</th></tr>{rows}</table>")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        if "properties" in schema and name not in ("ValidationError", "HTTPValidationError"):
            out.append(f"<h2>{e(name)}</h2>")
            props_table(schema)
    out.append("<h2>Try POST /v1/check</h2><textarea id='text'>The the cat sat on the mat.</textarea>"
               "<p>lang <input id='lang' size='6'> fail_at <input id='fail_at' size='6'> "
               "token <input id='token' type='password' size='20'> <button id='go'>check</button></p>"
               f"<pre id='out'></pre><script>{_DOCS_SCRIPT}</script></body></html>")
    return "".join(out)
