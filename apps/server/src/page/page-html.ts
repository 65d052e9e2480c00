/** JSON for an inline <script>: `<` escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #111; background: #fff; }
  h1 { font-size: 1.3rem; }
  form { display: grid; gap: .6rem; }
  textarea { font: 15px/1.4 ui-monospace, monospace; min-height: 4rem; }
  .row { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  input[type=number] { width: 5rem; }
  #status { color: #555; min-height: 1.5em; margin: .8rem 0; }
  #canvas { font: 18px/2 ui-monospace, monospace; min-height: 3rem; padding: .5rem; border: 1px solid #ddd; }
  .cell { display: inline-block; min-width: .7em; margin: 1px; padding: 0 2px; white-space: pre; transition: background .3s; }
  .masked { background: #d4d4d4; color: transparent; }
  .fresh { background: #fff3b0; }
  .special { color: #aaa; }
  #output { white-space: pre-wrap; font: 15px/1.5 ui-monospace, monospace; border-top: 1px solid #ddd; padding-top: .8rem; }
`;

// Plain ES2017 without template literals: it is itself inside one.
const SCRIPT = `
  var form = document.getElementById('form');
  var canvas = document.getElementById('canvas');
  var output = document.getElementById('output');
  var statusLine = document.getElementById('status');
  var cells = [];
  var masked = 0;
  var summary = null;
  window.unmaskTrace = [];

  function setState(state, message) {
    document.body.dataset.state = state;
    statusLine.textContent = message;
  }

  function visible(token) {
    if (token.special) return '\\u2205';
    return token.text.replace(/\\n/g, '\\u21b5') || ' ';
  }

  function drawStep(event) {
    if (cells.length === 0) {
      for (var i = 0; i < event.length; i++) {
        var cell = document.createElement('span');
        cell.className = 'cell masked';
        cell.textContent = '_';
        canvas.appendChild(cell);
        cells.push(cell);
      }
      masked = event.length;
    }
    cells.forEach(function (cell) { cell.classList.remove('fresh'); });
    event.committed.forEach(function (token) {
      var cell = cells[token.index];
      if (!cell) return;
      cell.textContent = visible(token);
      cell.className = 'cell fresh' + (token.special ? ' special' : '');
      masked--;
    });
    window.unmaskTrace.push(masked);
    setState('running', 'step ' + (event.step + 1) + ': ' + masked + ' of ' + event.length + ' tokens still masked');
  }

  function handle(block) {
    var name = 'message';
    var data = '';
    block.split('\\n').forEach(function (line) {
      if (line.indexOf('event: ') === 0) name = line.slice(7);
      else if (line.indexOf('data: ') === 0) data += line.slice(6);
    });
    if (data === '[DONE]') {
      var detail = summary ? summary.steps + ' steps in ' + summary.seconds.toFixed(2) + ' s (policy ' + summary.policy + ')' : '';
      setState('done', 'done: ' + detail);
      return;
    }
    var value = JSON.parse(data);
    if (value.error) throw new Error(value.error.message);
    if (name === 'unmask.step') drawStep(value);
    else if (name === 'unmask.done') summary = value;
    else if (value.choices && value.choices[0]) output.textContent += value.choices[0].text;
  }

  async function run() {
    canvas.textContent = '';
    output.textContent = '';
    cells = [];
    summary = null;
    window.unmaskTrace = [];
    setState('running', 'waiting for a generation slot...');
    var headers = { 'Content-Type': 'application/json' };
    var key = document.getElementById('key').value;
    if (key) headers.Authorization = 'Bearer ' + key;
    var body = {
      model: MODEL,
      prompt: document.getElementById('prompt').value,
      max_tokens: Number(document.getElementById('tokens').value),
      stream: true,
      unmask: { progress: true }
    };
    var response = await fetch('v1/completions', { method: 'POST', headers: headers, body: JSON.stringify(body) });
    if (!response.ok) {
      var failure = await response.json();
      throw new Error(failure.error.message);
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var end;
      while ((end = buffer.indexOf('\\n\\n')) >= 0) {
        handle(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    run().catch(function (error) { setState('error', 'error: ' + error.message); });
  });
  document.body.dataset.state = 'idle';
`;

/** The page at `/`: type a prompt, watch the canvas unmask step by step (from `unmask.step` events). */
export function pageHtml(modelId: string, maxTokens: number): string {
  const defaultTokens = Math.min(32, maxTokens);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>unmask: ${modelId.replace(/[<&"]/g, '')}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>unmask: watch a diffusion LM denoise</h1>
<form id="form">
  <textarea id="prompt" aria-label="prompt">ROMEO:</textarea>
  <div class="row">
    <label>tokens <input id="tokens" type="number" min="1" max="${maxTokens}" value="${defaultTokens}"></label>
    <label>API key <input id="key" type="password" autocomplete="off" placeholder="if the server needs one"></label>
    <button id="generate" type="submit">Generate</button>
  </div>
</form>
<div id="status" role="status"></div>
<div id="canvas" aria-label="canvas"></div>
<div id="output" aria-label="text"></div>
<script>var MODEL = ${scriptJson(modelId)};${SCRIPT}</script>
</body>
</html>
`;
}
