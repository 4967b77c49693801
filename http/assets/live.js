// live.js: follow the ledger. When an entry is recorded anywhere, the page
// says so in its footer and replaces its <main> with the page as it now
// reads, without a reload. Without JavaScript the page is correct on reload.
(function () {
  if (!window.EventSource || !document.querySelector('main') || document.querySelector('[data-no-live]')) return;
  var status = document.getElementById('live');
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelector('main'), cur = document.querySelector('main');
        if (fresh && cur) cur.innerHTML = fresh.innerHTML;
        var foot = doc.querySelector('footer'), curFoot = document.querySelector('footer');
        if (foot && curFoot) {
          var msg = status ? status.textContent : '';
          curFoot.innerHTML = foot.innerHTML;
          status = document.getElementById('live');
          if (status) status.textContent = msg;
        }
        document.dispatchEvent(new CustomEvent('alliance:updated'));
      })
      .catch(function () {})
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var es = new EventSource('/api/v1/events/stream');
  es.addEventListener('entry', function (e) {
    var ev;
    try { ev = JSON.parse(e.data); } catch (_) { return; }
    var t = new Date();
    var hh = String(t.getHours()).padStart(2, '0'), mm = String(t.getMinutes()).padStart(2, '0');
    if (status) status.textContent = ' · updated ' + hh + ':' + mm + ': ' + (ev.title || ev.type);
    refresh();
  });
})();
