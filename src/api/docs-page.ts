/**
 * GET /docs: a page that fetches /v1/openapi.json and renders endpoints, parameters, schemas and
 * examples with a small script. Script and style are files of their own (/docs/docs.js,
 * /docs/docs.css) served from here, never inline and never from a CDN (installs may be offline),
 * so the page works under the app's Content-Security-Policy (script-src 'self', style-src 'self').
 */

/** Where the page's script is served. */
export const DOCS_SCRIPT_PATH = '/docs/docs.js';
/** Where the page's style sheet is served. */
export const DOCS_STYLE_PATH = '/docs/docs.css';

/** The HTML of the documentation page. */
export function renderDocsPage(documentUrl = '/v1/openapi.json'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tapbook API</title>
<link rel="stylesheet" href="${DOCS_STYLE_PATH}">
<script src="${DOCS_SCRIPT_PATH}" defer></script>
</head>
<body>
<header><h1 id="title">Tapbook API</h1><div id="intro"></div></header>
<main id="content" data-document-url="${escapeAttribute(documentUrl)}">Loading ${escapeAttribute(documentUrl)}…</main>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The page's style sheet. */
export const DOCS_STYLE = `  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
  header { background: #075e54; color: #fff; padding: 16px 24px; }
  main { max-width: 1000px; margin: 0 auto; padding: 16px 24px 64px; }
  h2 { margin-top: 32px; text-transform: capitalize; }
  details { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; margin: 8px 0; }
  summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px; align-items: baseline; }
  .method { font: bold 12px monospace; text-transform: uppercase; padding: 2px 6px; border-radius: 4px; color: #fff; min-width: 52px; text-align: center; }
  .get { background: #1f6feb; } .post { background: #1a7f37; } .patch { background: #9a6700; } .put { background: #8250df; } .delete { background: #cf222e; }
  .path { font-family: monospace; font-weight: 600; }
  .body { padding: 0 16px 12px; }
  pre { background: #0d1117; color: #e6edf3; padding: 10px; border-radius: 6px; overflow: auto; font-size: 12px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  td, th { border-bottom: 1px solid #eee; padding: 4px 6px; text-align: left; vertical-align: top; }
  code { font-size: 13px; }
`;

/** The page's script: reads the document URL from #content and renders the document into it. */
export const DOCS_SCRIPT = `(function () {
  var esc = function (text) { return String(text).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };
  var json = function (value) { return '<pre>' + esc(JSON.stringify(value, null, 2)) + '</pre>'; };
  var content = document.getElementById('content');
  fetch(content.getAttribute('data-document-url')).then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
    document.getElementById('intro').textContent = doc.info.description || '';
    var groups = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'other';
        (groups[tag] = groups[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    var html = '';
    Object.keys(groups).forEach(function (tag) {
      html += '<h2>' + esc(tag.replace('_', ' ')) + '</h2>';
      groups[tag].forEach(function (entry) {
        var op = entry.op;
        html += '<details><summary><span class="method ' + entry.method + '">' + entry.method + '</span><span class="path">' + esc(entry.path) + '</span><span>' + esc(op.summary || '') + '</span></summary><div class="body">';
        if (op.description) html += '<p>' + esc(op.description) + '</p>';
        if (op.security && op.security.length === 0) html += '<p><em>Public: no API key needed.</em></p>';
        if (op.parameters && op.parameters.length) {
          html += '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>';
          op.parameters.forEach(function (p) {
            html += '<tr><td><code>' + esc(p.name) + '</code></td><td>' + p.in + '</td><td>' + (p.required ? 'yes' : '') + '</td><td><code>' + esc(JSON.stringify(p.schema)) + '</code></td><td>' + esc(p.description || '') + '</td></tr>';
          });
          html += '</table>';
        }
        if (op.requestBody) {
          var media = op.requestBody.content['application/json'];
          if (media.example !== undefined) html += '<h4>Example body</h4>' + json(media.example);
          html += '<h4>Body schema</h4>' + json(media.schema);
        }
        html += '<h4>Responses</h4>';
        Object.keys(op.responses).forEach(function (status) {
          var response = op.responses[status];
          html += '<p><strong>' + status + '</strong> ' + esc(response.description || '') + '</p>';
          var content = response.content && (response.content['application/json'] || response.content[Object.keys(response.content)[0]]);
          if (content && content.schema && !content.schema.$ref && status.charAt(0) === '2') html += json(content.schema);
        });
        html += '</div></details>';
      });
    });
    html += '<h2>Error body</h2>' + json(doc.components.schemas.Error);
    document.getElementById('content').innerHTML = html;
  }).catch(function (error) {
    document.getElementById('content').textContent = 'Could not load the API document: ' + error.message;
  });
})();
`;
