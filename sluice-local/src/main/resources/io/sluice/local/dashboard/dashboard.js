// The dashboard of sluice up (issue 19, MON-4): reads GET /v1/monitoring every 5 seconds and draws it with uPlot.
// Every value from the server goes in as text (textContent), never as markup.
(function () {
  'use strict';
  const charts = new Map();
  let errorFunction = '';

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function fill(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function fmt(n, digits) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en', { maximumFractionDigits: digits });
  }

  function summary(functions) {
    const rows = functions.map(f => {
      const tr = document.createElement('tr');
      tr.dataset.function = f.name;
      cell(tr, f.name);
      cell(tr, fmt(f.invocations, 0), 'num invocations');
      cell(tr, fmt(f.errors, 0), 'num errors');
      cell(tr, fmt(f.error_rate_percent, 2) + ' %', 'num');
      cell(tr, fmt(f.average_ms, 1) + ' ms', 'num');
      cell(tr, f.p99_ms_max === null ? '–' : fmt(f.p99_ms_max, 1) + ' ms', 'num');
      cell(tr, fmt(f.throttles, 0), 'num');
      return tr;
    });
    fill(document.querySelector('#summary tbody'), rows);
    document.getElementById('no-functions').hidden = functions.length > 0;
  }

  function alarms(list) {
    const rows = list.map(a => {
      const tr = document.createElement('tr');
      tr.dataset.alarm = a.alarm;
      tr.dataset.state = a.state;
      cell(tr, a.alarm);
      const state = document.createElement('span');
      state.className = 'state state-' + a.state;
      state.textContent = a.state;
      cell(tr, '').appendChild(state);
      cell(tr, new Date(a.since).toLocaleString());
      const op = { GREATER_THAN_THRESHOLD: '>', GREATER_THAN_OR_EQUAL_TO_THRESHOLD: '>=', LESS_THAN_THRESHOLD: '<',
        LESS_THAN_OR_EQUAL_TO_THRESHOLD: '<=' }[a.comparison] || a.comparison;
      cell(tr, a.metric + ' ' + op + ' ' + a.threshold + ', ' + a.datapoints_to_alarm + ' of ' + a.evaluation_periods
        + ' periods of ' + a.period_s + ' s');
      cell(tr, a.datapoints.map(d => d === null ? '–' : fmt(d, 1)).join(', '));
      return tr;
    });
    fill(document.querySelector('#alarms tbody'), rows);
  }

  // Every minute of the shown range, at least the last hour: a minute without invocations is a 0, not a gap, and a
  // function seen for one minute draws on an hour's axis.
  function everyMinute(m, generatedAt) {
    const last = Math.floor(Date.parse(generatedAt) / 60000) * 60;
    const first = Math.min(m.t.length ? m.t[0] : last, last - 59 * 60);
    const at = new Map(m.t.map((t, i) => [t, i]));
    const out = { t: [], invocations: [], errors: [], average_ms: [], p99_ms: [] };
    for (let t = first; t <= last; t += 60) {
      const i = at.get(t);
      out.t.push(t);
      out.invocations.push(i === undefined ? 0 : m.invocations[i]);
      out.errors.push(i === undefined ? 0 : m.errors[i]);
      out.average_ms.push(i === undefined ? null : m.average_ms[i]);
      out.p99_ms.push(i === undefined ? null : m.p99_ms[i]);
    }
    return out;
  }

  function chart(f, generatedAt) {
    const m = everyMinute(f.minutes, generatedAt);
    const t = m.t;
    const calls = [t, m.invocations, m.errors];
    const durations = [t, m.average_ms, m.p99_ms];
    let c = charts.get(f.name);
    if (!c) {
      const box = document.createElement('div');
      box.className = 'function-charts';
      box.dataset.function = f.name;
      const h = document.createElement('h3');
      h.textContent = f.name;
      box.appendChild(h);
      document.getElementById('charts').appendChild(box);
      const opts = (title, a, b, ca, cb) => ({
        title, width: 520, height: 200,
        series: [{}, { label: a, stroke: ca, width: 2, points: { show: true, size: 5 } },
          { label: b, stroke: cb, width: 2, points: { show: true, size: 5 } }],
        axes: [{}, { size: 60 }],
      });
      c = {
        calls: new uPlot(opts('Invocations and errors per minute', 'invocations', 'errors', '#2f6fdf', '#d33'), calls, box),
        durations: new uPlot(opts('Duration (ms)', 'average', 'p99', '#2a9d5c', '#b26b00'), durations, box),
      };
      charts.set(f.name, c);
    } else {
      c.calls.setData(calls);
      c.durations.setData(durations);
    }
  }

  function errorOptions(functions) {
    const select = document.getElementById('error-function');
    const have = new Set([...select.options].map(o => o.value));
    for (const f of functions) {
      if (!have.has(f.name)) {
        const o = document.createElement('option');
        o.value = f.name;
        o.textContent = f.name;
        select.appendChild(o);
      }
    }
  }

  function errors(list) {
    const rows = list.map(e => {
      const tr = document.createElement('tr');
      tr.dataset.function = e.function;
      tr.dataset.errorId = e.error_id;
      cell(tr, new Date(e.occurred_at).toLocaleString());
      cell(tr, e.function);
      cell(tr, e.type);
      const msg = cell(tr, '');
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = e.message;
      const pre = document.createElement('pre');
      pre.textContent = 'id ' + e.error_id + '\nevent ' + e.event_snapshot + '\n\n' + e.stack_trace;
      details.append(summary, pre);
      msg.appendChild(details);
      cell(tr, e.duration_ms + ' ms', 'num');
      return tr;
    });
    fill(document.querySelector('#errors tbody'), rows);
    document.getElementById('no-errors').hidden = list.length > 0;
  }

  async function refresh() {
    const status = document.getElementById('status');
    try {
      const q = errorFunction ? '?function=' + encodeURIComponent(errorFunction) : '';
      const r = await fetch('/v1/monitoring' + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!r.ok) {
        status.textContent = r.status === 401
          ? 'Not signed in: open the address sluice up printed (it ends in ?token=…).'
          : 'The server answered ' + r.status + '.';
        return;
      }
      const m = await r.json();
      summary(m.functions);
      alarms(m.alarms);
      m.functions.forEach(f => chart(f, m.generated_at));
      errorOptions(m.functions);
      errors(m.errors);
      const firing = m.alarms.filter(a => a.state === 'ALARM').length;
      status.textContent = 'Updated ' + new Date(m.generated_at).toLocaleTimeString() + ' · alarm period '
        + m.alarm_period_s + ' s · ' + firing + (firing === 1 ? ' alarm' : ' alarms') + ' firing';
      document.body.dataset.loaded = 'true';
    } catch (e) {
      status.textContent = 'Cannot reach sluice up: ' + e.message;
    }
  }

  document.getElementById('error-function').addEventListener('change', ev => {
    errorFunction = ev.target.value;
    refresh();
  });
  refresh();
  setInterval(refresh, 5000);
})();
