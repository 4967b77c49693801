// exercise.js: one page for every seat of a Council exercise. The secret
// comes from the join link's fragment (#SECRET, never sent to the server),
// is kept in this tab's sessionStorage and sent as "Authorization: Bearer".
// The page follows the exercise through its event stream; every rule is the
// server's, and a refused action shows the server's reason.
(function () {
  'use strict';
  var root = document.getElementById('exercise');
  if (!root) return;
  var id = root.dataset.exercise, reportMode = root.dataset.report === '1';
  var key = 'alliance-exercise-' + id;
  var api = '/api/v1/exercises/' + encodeURIComponent(id);
  var body = document.getElementById('x-body'), alertBox = document.getElementById('x-alert');
  var secret = '';
  if (location.hash.length > 1) {
    secret = decodeURIComponent(location.hash.slice(1));
    sessionStorage.setItem(key, secret);
    history.replaceState(null, '', location.pathname + location.search);
  } else {
    secret = sessionStorage.getItem(key) || '';
  }
  var view = null, received = 0, drafts = {};

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null) continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  // say shows the server's answer to an action in a bar that stays in
  // sight at the top of the screen (on a phone the button may be far below
  // it); good news fades after a few seconds, a refusal stays until the
  // next action.
  var sayTimer = 0;
  function say(msg, ok) {
    clearTimeout(sayTimer);
    alertBox.hidden = !msg;
    alertBox.textContent = msg || '';
    alertBox.className = 'x-alert' + (ok ? ' ok' : '');
    alertBox.setAttribute('role', ok ? 'status' : 'alert');
    if (msg && ok) sayTimer = setTimeout(function () { say(''); }, 8000);
  }
  function call(method, path, payload) {
    var opt = { method: method, headers: { 'Authorization': 'Bearer ' + secret } };
    if (payload !== undefined) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(payload); }
    return fetch(api + path, opt).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status));
        return j;
      });
    });
  }
  // clear empties a field of the page as it is now (a render may have
  // replaced the one an action started from).
  function clear(fid) { var e = document.getElementById(fid); if (e) e.value = ''; }
  function act(method, path, payload, done) {
    say('');
    return call(method, path, payload).then(function (j) { if (done) done(j); }, function (e) { say(e.message); });
  }
  function fmt(t) {
    var d = new Date(t);
    return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  function clockNow() {
    if (!view) return null;
    var c = Date.parse(view.clock);
    if (view.running) c += (Date.now() - received) * view.clock_speed;
    return c;
  }
  function span(ms) {
    var s = Math.round(ms / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d) return d + ' d ' + (h % 24) + ' h';
    if (h) return h + ' h ' + (m % 60) + ' min';
    if (m) return m + ' min' + (m < 10 && s % 60 ? ' ' + (s % 60) + ' s' : '');
    return s + ' s';
  }
  function countdown(deadline) {
    var left = Date.parse(deadline) - clockNow();
    if (left <= 0) return 'Deadline reached: the result is being recorded.';
    var s = span(left) + ' left on the exercise clock (deadline ' + fmt(deadline) + ')';
    if (view.running) s += ': about ' + span(left / view.clock_speed) + ' in real time';
    else s += ': the clock is ' + (view.started ? 'paused' : 'not started');
    return s + '.';
  }
  function name(code) {
    for (var i = 0; i < view.delegations.length; i++) if (view.delegations[i].code === code) return view.delegations[i].name;
    return code;
  }

  function header() {
    var h = el('section', { cls: 'x-head' });
    h.appendChild(el('h1', { text: view.name }));
    var st = view.ended ? 'ended' : view.running ? 'running' : view.started ? 'paused' : 'not started';
    h.appendChild(el('p', { cls: 'x-clock' }, el('strong', { text: 'Exercise clock: ' }), el('span', { id: 'x-clock-now', text: fmt(clockNow()) }), ' · ' + st + (view.clock_speed !== 1 ? ' · ' + view.clock_speed + '× real time' : '')));
    h.appendChild(el('p', { cls: 'muted', text: 'Your seat: ' + view.seat_name + ' · Council seated as on ' + view.date + ' (' + view.delegations.length + ' Allies)' + (view.observer_delay_minutes ? ' · observers see the record ' + view.observer_delay_minutes + ' min late' : '') }));
    return h;
  }
  function injects() {
    var s = el('section', { cls: 'x-injects' }, el('h2', { text: 'Injects' }));
    if (!view.injects.length) s.appendChild(el('p', { cls: 'muted', text: 'None yet.' }));
    view.injects.slice().reverse().forEach(function (i) {
      var d = el('article', { cls: 'x-inject' }, el('h3', { text: i.title }), el('p', { cls: 'muted', text: fmt(i.arrived) + (i.place ? ' · ' + i.place : '') + (i.requesting_state ? ' · raised by ' + name(i.requesting_state) : '') }), el('p', { text: i.text }));
      if (i.source && i.source.url) d.appendChild(el('p', { cls: 'muted' }, 'Source: ', el('a', { href: i.source.url, rel: 'noopener', text: i.source.title })));
      s.appendChild(d);
    });
    return s;
  }
  var actWords = { article4: 'requested consultations', break: 'broke', agree: 'agreed', footnote: 'agreed with a statement for the record' };
  function said(act, kind) {
    if (act === 'break') return kind === 'silence' ? 'broke silence' : 'broke consensus';
    return actWords[act] || act;
  }
  function statusBadge(p) { return el('span', { cls: 'x-badge x-' + p.status, text: p.status }); }
  function procedure(p) {
    var a = el('article', { cls: 'x-proc', 'data-proc': p.id });
    var kind = p.kind === 'article4' ? 'Article 4 consultations' : p.kind === 'silence' ? 'Silence procedure' : 'Consensus round';
    a.appendChild(el('h3', {}, statusBadge(p), ' ', p.id + ' · ' + kind + (p.title && p.kind !== 'article4' ? ': ' + p.title : '')));
    if (p.kind === 'article4') a.appendChild(el('p', { text: 'Requested by ' + p.requested_by.map(name).join(', ') + (p.convened ? '; convened ' + fmt(p.convened) : '; waiting for the chair to convene') + '.' }));
    if (p.text && p.kind !== 'article4') a.appendChild(el('p', { cls: 'x-text', text: p.text }));
    if (p.verdict) a.appendChild(el('p', { cls: 'x-verdict' }, el('strong', { text: 'Article 5/6 verdict for ' + p.verdict.place + ' on ' + p.verdict.date + ': ' + p.verdict.verdict.replace('_', ' ') + ' (' + p.verdict.clause + '). ' }), p.verdict.reason + (p.acknowledged ? ' The chair acknowledged this verdict on the record.' : '')));
    if (p.status === 'broken' && !p.concluded) a.appendChild(el('p', { cls: 'x-outcome', text: 'Broken by ' + p.broken_by.map(name).join(', ') + ': the draft is not agreed. ' + (p.deadline ? 'The procedure closes at its deadline; until then other delegations may break it too.' : 'The chair closes the round.') }));
    else if (p.deadline && !p.concluded) a.appendChild(el('p', { cls: 'x-countdown', 'data-deadline': p.deadline, text: countdown(p.deadline) }));
    if (p.concluded) a.appendChild(el('p', { cls: 'x-outcome', text: 'Concluded ' + fmt(p.concluded) + ': ' + p.reason }));
    var plain = p.statements.filter(function (s) { return s.act === 'agree' && !s.text; });
    var spoken = p.statements.filter(function (s) { return plain.indexOf(s) < 0; });
    if (spoken.length) {
      var ul = el('ul', { cls: 'x-statements' });
      spoken.forEach(function (s) {
        ul.appendChild(el('li', { cls: 'x-said-' + s.act }, el('strong', { text: name(s.seat) }), ' ' + said(s.act, p.kind) + (s.scripted ? ' (scripted)' : '') + ', ' + fmt(s.clock) + (s.text ? ':' : '.'), s.text ? el('q', { text: s.text }) : null));
      });
      a.appendChild(ul);
    }
    if (plain.length) a.appendChild(el('p', { cls: 'x-agreed-list' }, el('strong', { text: 'Agreed (' + plain.length + '): ' }), plain.map(function (s) { return name(s.seat) + (s.scripted ? ' (scripted)' : ''); }).join(', ') + '.'));
    if (view.role === 'chair' && p.kind !== 'article4') {
      var spoke = {};
      p.statements.forEach(function (s) { spoke[s.seat] = s.act; });
      var silent = view.delegations.filter(function (d) { return !spoke[d.code]; }).map(function (d) { return d.code; });
      a.appendChild(el('p', { cls: 'muted', text: p.kind === 'silence' ? 'Silent (agreeing unless they break): ' + silent.length + ' of ' + view.delegations.length + '.' :
        'Spoken: ' + p.statements.length + ' of ' + view.delegations.length + (silent.length && !p.concluded ? ' · yet to speak: ' + silent.join(' ') : '') }));
    }
    var open = !p.concluded && p.kind !== 'article4';
    if (view.role === 'chair' && p.kind === 'article4' && p.status === 'requested') a.className += ' x-todo';
    if (view.role === 'delegation' && open) {
      var mine = p.statements.filter(function (s) { return s.seat === view.seat; })[0];
      if (mine) a.appendChild(el('p', { cls: 'muted', text: 'You have spoken: you ' + said(mine.act, p.kind) + '.' }));
      else { if (p.status === 'open') a.className += ' x-todo'; a.appendChild(speakForm(p)); }
    }
    if (view.role === 'chair') {
      if (p.kind === 'article4' && p.status === 'requested') a.appendChild(el('button', { type: 'button', cls: 'x-convene x-primary', text: 'Convene the consultations', onclick: function () { act('POST', '/procedures/' + p.id + '/convene', {}); } }));
      if (p.kind === 'consensus' && !p.concluded) a.appendChild(el('button', { type: 'button', cls: 'x-close', text: 'Close the round', onclick: function () { act('POST', '/procedures/' + p.id + '/close', {}); } }));
    }
    return a;
  }
  function speakForm(p) {
    var f = el('form', { cls: 'x-speak stack' });
    var t = el('textarea', { id: 'x-say-' + p.id, rows: '2', maxlength: '4000' });
    f.appendChild(el('label', { for: t.id, text: p.kind === 'silence' ? 'Staying silent agrees. To break silence, give your reason:' : 'Your statement for the record (with a footnote), or your reason to break:' }));
    f.appendChild(t);
    var row = el('div', { cls: 'x-buttons' });
    if (p.kind === 'consensus') {
      row.appendChild(el('button', { type: 'button', cls: 'x-agree', text: 'Agree', onclick: function () {
        if (t.value.trim()) { say('You wrote a statement: choose "Agree with a footnote" to put it on the record, or clear the box to agree without one.'); t.focus(); return; }
        act('POST', '/procedures/' + p.id + '/agree', {}); } }));
      row.appendChild(el('button', { type: 'button', cls: 'x-footnote', text: 'Agree with a footnote', onclick: function () {
        if (!t.value.trim()) { say('Write the statement for the record first.'); t.focus(); return; }
        act('POST', '/procedures/' + p.id + '/agree', { footnote: t.value.trim() });
      } }));
    }
    row.appendChild(el('button', { type: 'button', cls: 'x-break', text: p.kind === 'silence' ? 'Break silence' : 'Break consensus', onclick: function () {
      if (!t.value.trim()) { say('Give a reason to break.'); t.focus(); return; }
      act('POST', '/procedures/' + p.id + '/break', { reason: t.value.trim() });
    } }));
    f.appendChild(row);
    return f;
  }
  function procedures() {
    var s = el('section', { cls: 'x-procs' }, el('h2', { text: 'Before the Council' }));
    if (!view.procedures.length) s.appendChild(el('p', { cls: 'muted', text: 'Nothing yet.' }));
    view.procedures.slice().reverse().forEach(function (p) { s.appendChild(procedure(p)); });
    return s;
  }
  function delegationTools() {
    var s = el('section', { cls: 'x-tools' }, el('h2', { text: 'Your delegation: ' + view.seat_name }));
    var t = el('textarea', { id: 'x-a4-text', rows: '2', maxlength: '4000', placeholder: 'Why your state asks for consultations' });
    s.appendChild(el('form', { cls: 'stack' }, el('label', { for: 'x-a4-text', text: 'Request consultations under Article 4' }), t,
      el('div', {}, el('button', { type: 'button', id: 'x-a4', cls: 'x-primary', text: 'Request Article 4 consultations', onclick: function () {
        act('POST', '/procedures', { kind: 'article4', text: t.value.trim() }, function () { clear('x-a4-text'); say('Your request is on the record.', true); });
      } }))));
    var mine = [];
    view.procedures.forEach(function (p) { p.statements.forEach(function (st) { if (st.seat === view.seat) mine.push(p.id + ': you ' + said(st.act, p.kind) + ', ' + fmt(st.clock) + (st.text ? ': “' + st.text + '”' : '.')); }); });
    var ul = el('ul', {});
    mine.forEach(function (m) { ul.appendChild(el('li', { text: m })); });
    s.appendChild(el('h3', { text: 'Your actions' }));
    s.appendChild(mine.length ? ul : el('p', { cls: 'muted', text: 'None yet.' }));
    return s;
  }
  function chairTools() {
    var s = el('section', { cls: 'x-tools' }, el('h2', { text: 'Table a draft decision' }));
    var f = el('form', { id: 'x-table', cls: 'stack' });
    var pick = el('select', { id: 'x-draft' }, el('option', { value: '', text: 'My own draft (below)' }));
    (view.drafts || []).forEach(function (d) { drafts[d.id] = d; pick.appendChild(el('option', { value: d.id, text: d.title + ' (' + d.procedure + ')' })); });
    var kind = el('select', { id: 'x-kind' }, el('option', { value: 'silence', text: 'under the silence procedure' }), el('option', { value: 'consensus', text: 'to a consensus round' }));
    var decision = el('select', { id: 'x-decision' }, ['statement', 'assistance', 'article5', 'other'].map(function (d) { return el('option', { value: d, text: d === 'article5' ? 'Article 5 invocation' : d }); }).reduce(function (a, o) { a.appendChild(o); return a; }, document.createDocumentFragment()));
    var title = el('input', { id: 'x-dtitle', maxlength: '200', placeholder: 'Title' });
    var text = el('textarea', { id: 'x-dtext', rows: '3', maxlength: '4000', placeholder: 'Text of the decision' });
    var dl = el('input', { id: 'x-deadline', type: 'number', min: '0', max: '527040', value: '60', size: '6' });
    var inj = el('select', { id: 'x-inject' }, el('option', { value: '', text: '(none)' }));
    view.injects.forEach(function (i) { inj.appendChild(el('option', { value: i.id, text: i.title })); });
    var ack = el('input', { id: 'x-ack', type: 'checkbox' });
    [['x-draft', 'Draft', pick], ['x-kind', 'Procedure', kind], ['x-decision', 'Decision', decision], ['x-dtitle', 'Title', title], ['x-dtext', 'Text', text], ['x-deadline', 'Deadline (exercise minutes; 0 for none in a round)', dl], ['x-inject', 'Answers inject', inj]].forEach(function (r) {
      f.appendChild(el('div', { cls: /x-(kind|decision|dtitle|dtext|inject)$/.test(r[0]) ? 'x-own' : '' }, el('label', { for: r[0], text: r[1] }), r[2]));
    });
    // A scenario's draft brings its own procedure, title and text: only a
    // draft of the chair's own asks for them.
    pick.addEventListener('change', function () {
      f.querySelectorAll('.x-own').forEach(function (d) { d.hidden = !!pick.value; });
    });
    f.appendChild(el('div', {}, ack, el('label', { for: 'x-ack', text: ' I acknowledge, on the record, an Article 5 verdict that the place is not covered' })));
    f.appendChild(el('div', {}, el('button', { type: 'button', id: 'x-table-go', cls: 'x-primary', text: 'Table it', onclick: function () {
      var req = { kind: kind.value, deadline_minutes: parseInt(dl.value || '0', 10) };
      if (pick.value) { req = { draft: pick.value }; if (dl.value && drafts[pick.value].procedure === 'silence') req.deadline_minutes = parseInt(dl.value, 10); }
      else { req.decision = decision.value; req.title = title.value; req.text = text.value; if (inj.value) req.inject = inj.value; }
      if (ack.checked) req.acknowledge = true;
      act('POST', '/procedures', req, function (j) { say('Tabled as ' + j.id + '.', true); clear('x-dtitle'); clear('x-dtext'); });
    } })));
    s.appendChild(f);
    return s;
  }
  function controlTools() {
    var s = el('section', { cls: 'x-tools' }, el('h2', { text: 'Exercise control' }));
    var mins = el('input', { id: 'x-adv', type: 'number', min: '1', max: '10080', value: '30', size: '6' });
    s.appendChild(el('div', { cls: 'x-buttons' },
      el('button', { type: 'button', id: 'x-start', text: 'Start clock', onclick: function () { act('POST', '/clock', { action: 'start' }); } }),
      el('button', { type: 'button', id: 'x-pause', text: 'Pause clock', onclick: function () { act('POST', '/clock', { action: 'pause' }); } }),
      el('label', { for: 'x-adv', text: 'Advance by (min)' }), mins,
      el('button', { type: 'button', id: 'x-advance', text: 'Advance', onclick: function () { act('POST', '/clock', { advance_minutes: parseInt(mins.value, 10) }); } })));
    s.appendChild(el('h3', { text: 'Injects still to come' }));
    var ul = el('ul', {});
    (view.pending_injects || []).forEach(function (i) {
      ul.appendChild(el('li', {}, i.title + ' (due ' + fmt(i.due) + ') ', el('button', { type: 'button', text: 'Fire now', onclick: function () { act('POST', '/injects/' + i.id + '/fire', {}); } })));
    });
    s.appendChild((view.pending_injects || []).length ? ul : el('p', { cls: 'muted', text: 'All injects have been sent.' }));
    s.appendChild(el('h3', { text: 'Seats' }));
    var seat = el('select', { id: 'x-seatpick' }, ['chair', 'control', 'observer'].concat(view.delegations.map(function (d) { return d.code; })).map(function (c) { return el('option', { value: c, text: c }); }).reduce(function (a, o) { a.appendChild(o); return a; }, document.createDocumentFragment()));
    var out = el('p', { id: 'x-seat-out', cls: 'muted' });
    s.appendChild(el('div', { cls: 'x-buttons' }, seat,
      el('button', { type: 'button', text: 'Reissue secret', onclick: function () { act('POST', '/seats/' + seat.value + '/reissue', {}, function (j) { out.textContent = 'New join link for ' + j.seat + ': ' + location.origin + j.link; }); } }),
      el('button', { type: 'button', text: 'Revoke secret', onclick: function () { act('POST', '/seats/' + seat.value + '/revoke', {}, function (j) { out.textContent = 'Revoked: ' + j.seat; }); } })));
    s.appendChild(out);
    s.appendChild(el('p', {}, el('a', { href: '/exercises/' + id + '/report', text: 'After-action report' }), ' · ', el('button', { type: 'button', text: 'End the exercise', onclick: function () { if (confirm('End the exercise? Every secret expires.')) act('POST', '/end', {}); } })));
    return s;
  }
  // Every render rebuilds the page from the view: what a person was
  // typing or choosing (any field with an id), and where the caret was,
  // carry over to the new page.
  function saveFields() {
    var saved = {};
    body.querySelectorAll('input[id], textarea[id], select[id]').forEach(function (e) {
      saved[e.id] = { value: e.value, checked: e.checked };
    });
    var a = document.activeElement;
    if (a && a.id && saved[a.id]) {
      saved[a.id].focus = true;
      try { saved[a.id].sel = [a.selectionStart, a.selectionEnd]; } catch (e) { /* no selection on this field */ }
    }
    return saved;
  }
  function restoreFields(saved) {
    Object.keys(saved).forEach(function (k) {
      var e = document.getElementById(k), v = saved[k];
      if (!e || !body.contains(e)) return;
      if (e.type === 'checkbox') e.checked = v.checked;
      else if (e.tagName !== 'SELECT' || [].some.call(e.options, function (o) { return o.value === v.value; })) e.value = v.value;
      if (v.focus) {
        e.focus({ preventScroll: true });
        if (v.sel && v.sel[0] != null) try { e.setSelectionRange(v.sel[0], v.sel[1]); } catch (x) { /* not a text field */ }
      }
    });
  }
  function render() {
    var saved = saveFields();
    body.textContent = '';
    document.getElementById('x-title').hidden = true;
    document.getElementById('x-seat').hidden = true;
    body.appendChild(header());
    var cols = el('div', { cls: 'x-cols' });
    var left = el('div', {}), right = el('div', {});
    // What is before the Council, and what waits for this seat's answer,
    // comes first; the seat's own tools and the injects beside it (below
    // it on a phone).
    left.appendChild(procedures());
    if (view.role === 'delegation') right.appendChild(delegationTools());
    if (view.role === 'chair') right.appendChild(chairTools());
    if (view.role === 'control') right.appendChild(controlTools());
    right.appendChild(injects());
    cols.appendChild(left); cols.appendChild(right);
    body.appendChild(cols);
    if (view.role !== 'observer') body.appendChild(el('p', { cls: 'muted' }, el('a', { href: '/exercises/' + id + '/report', text: 'After-action report' }), ' · log entries: ' + view.entries));
    restoreFields(saved);
    var pk = document.getElementById('x-draft');
    if (pk) pk.dispatchEvent(new Event('change'));
  }
  // A press on a button must not be lost to a redraw between the press
  // and the release (with 32 delegations acting, the page redraws often):
  // while a pointer is down the redraw waits, and it runs after the click.
  var pressed = false, stale = false;
  function update() { if (pressed) stale = true; else render(); }
  function release() {
    pressed = false;
    if (stale) { stale = false; render(); }
  }
  document.addEventListener('pointerdown', function () { pressed = true; }, true);
  document.addEventListener('pointerup', function () { setTimeout(release, 0); }, true);
  document.addEventListener('pointercancel', release, true);
  function tick() {
    if (!view) return;
    var c = document.getElementById('x-clock-now');
    if (c) c.textContent = fmt(clockNow());
    document.querySelectorAll('.x-countdown').forEach(function (e) { e.textContent = countdown(e.dataset.deadline); });
  }
  setInterval(tick, 1000);

  function follow() {
    var ctl = new AbortController();
    fetch(api + '/stream', { headers: { 'Authorization': 'Bearer ' + secret }, signal: ctl.signal }).then(function (r) {
      if (!r.ok) return r.json().then(function (j) { throw new Error((j.error && j.error.message) || 'HTTP ' + r.status); }, function () { throw new Error('HTTP ' + r.status); });
      var reader = r.body.getReader(), dec = new TextDecoder(), buf = '';
      function pump() {
        return reader.read().then(function (x) {
          if (x.done) throw new Error('stream ended');
          buf += dec.decode(x.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            var block = buf.slice(0, i); buf = buf.slice(i + 2);
            var ev = '', data = '';
            block.split('\n').forEach(function (l) {
              if (l.indexOf('event: ') === 0) ev = l.slice(7);
              else if (l.indexOf('data: ') === 0) data += l.slice(6);
            });
            if (ev === 'state') {
              view = JSON.parse(data); received = Date.now();
              root.dataset.entries = view.entries;
              update();
            } else if (ev === 'error') { say(JSON.parse(data)); }
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      if (/secret|ended|another exercise/i.test(e.message)) { say(e.message); showJoin(); return; }
      setTimeout(follow, 2000);
    });
  }
  function showJoin() {
    var f = document.getElementById('x-join');
    f.hidden = false;
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var v = document.getElementById('x-secret').value.trim();
      var h = v.indexOf('#');
      secret = h >= 0 ? v.slice(h + 1) : v;
      sessionStorage.setItem(key, secret);
      f.hidden = true; say('');
      start();
    });
  }
  function report() {
    call('GET', '/report').then(function (r) {
      body.textContent = '';
      document.getElementById('x-title').hidden = true;
      body.appendChild(el('h1', { text: 'After-action report: ' + r.name }));
      body.appendChild(el('p', { cls: 'muted', text: 'Council as on ' + r.date + ' · ' + r.entries + ' log entries · head ' + r.head.slice(0, 16) + ' · ' }, el('a', { href: '#', text: 'download the log (CSV)', onclick: function (e) { e.preventDefault(); downloadCSV(); } })));
      var d = el('section', {}, el('h2', { text: 'Decisions' }));
      r.decisions.forEach(function (x) {
        var p = x.procedure;
        var a = el('article', { cls: 'x-proc' }, el('h3', {}, statusBadge(p), ' ' + p.id + ': ' + p.title));
        if (x.inject_to_decision_minutes != null) a.appendChild(el('p', { text: 'Inject to decision: ' + x.inject_to_decision_minutes + ' exercise minutes.' }));
        if (p.reason) a.appendChild(el('p', { text: p.reason }));
        x.breaks.forEach(function (b) { a.appendChild(el('p', {}, el('strong', { text: b.seat + ' broke at ' + fmt(b.clock) + ': ' }), b.text)); });
        x.footnotes.forEach(function (b) { a.appendChild(el('p', {}, el('strong', { text: b.seat + ' agreed with a statement: ' }), b.text)); });
        if (x.silent.length) a.appendChild(el('p', { cls: 'muted', text: 'Silent: ' + x.silent.join(' ') }));
        d.appendChild(a);
      });
      body.appendChild(d);
      if (r.record && r.record.length) {
        var rec = el('section', {}, el('h2', { text: 'What really happened' }));
        r.record.forEach(function (x) {
          var what = x.draft ? 'Draft ' + x.draft + ': on record ' + x.status + (x.broken_by && x.broken_by.length ? ' (broken by ' + x.broken_by.join(', ') + ')' : '') + '; in this exercise ' + x.played_status + (x.played_broken_by && x.played_broken_by.length ? ' (broken by ' + x.played_broken_by.join(', ') + ')' : '')
            : 'Article 4 consultations: requested on record by ' + x.article4_requested_by.join(', ') + '; in this exercise by ' + (x.played_article4_requested_by.length ? x.played_article4_requested_by.join(', ') : 'nobody');
          rec.appendChild(el('p', {}, el('strong', { text: x.same ? 'As on record. ' : 'Differs from the record. ' }), what + '. ', el('a', { href: x.source.url, rel: 'noopener', text: 'Source' })));
        });
        body.appendChild(rec);
      }
      if (r.article5_verdicts.length) {
        var v = el('section', {}, el('h2', { text: 'Article 5 verdicts shown' }));
        r.article5_verdicts.forEach(function (x) { v.appendChild(el('p', { text: x.procedure + ': ' + x.verdict.place + ', ' + x.verdict.verdict + ' (' + x.verdict.clause + ') — ' + x.verdict.reason + (x.acknowledged ? ' Acknowledged by the chair.' : '') })); });
        body.appendChild(v);
      }
      var t = el('table', { cls: 'events' }, el('thead', {}, el('tr', {}, el('th', { text: 'Delegation' }), el('th', { text: 'Art. 4' }), el('th', { text: 'Breaks' }), el('th', { text: 'Agrees' }), el('th', { text: 'Footnotes' }), el('th', { text: 'Scripted' }))));
      var tb = el('tbody', {});
      r.delegations.forEach(function (x) { tb.appendChild(el('tr', {}, el('td', { text: x.name }), el('td', { text: String(x.article4) }), el('td', { text: String(x.breaks) }), el('td', { text: String(x.agrees) }), el('td', { text: String(x.footnotes) }), el('td', { text: String(x.scripted) }))); });
      t.appendChild(tb);
      body.appendChild(el('section', {}, el('h2', { text: 'Each delegation\'s activity' }), t));
      var ol = el('ol', { cls: 'x-timeline' });
      r.timeline.forEach(function (x) { ol.appendChild(el('li', {}, el('span', { cls: 'muted', text: fmt(x.clock) + ' · ' }), x.text)); });
      body.appendChild(el('section', {}, el('h2', { text: 'Timeline' }), ol));
    }, function (e) { say(e.message); if (/secret/i.test(e.message)) showJoin(); });
  }
  function downloadCSV() {
    fetch(api + '/log?format=csv', { headers: { 'Authorization': 'Bearer ' + secret } }).then(function (r) { return r.blob(); }).then(function (b) {
      var a = el('a', { href: URL.createObjectURL(b), download: 'exercise-' + id + '.csv' });
      document.body.appendChild(a); a.click(); a.remove();
    });
  }
  function start() { if (reportMode) report(); else follow(); }
  if (!secret) showJoin(); else start();
})();
