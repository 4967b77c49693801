// Progressive enhancement: every page works without this script.
"use strict";

(function () {
  // Map: a slider and a Play button move through the years; clicking a state
  // shows its profile beside the map.
  const form = document.getElementById("map-form");
  if (form) {
    const slider = document.getElementById("slider"), play = document.getElementById("play"),
      dateInput = document.getElementById("at"), panel = document.getElementById("panel");
    slider.hidden = false; play.hidden = false; document.getElementById("slider-help").hidden = false;
    const colours = { 1949: "#08306b", 1952: "#08519c", 1955: "#2171b5", 1982: "#4292c6", 1999: "#3f8f8a", 2004: "#41ab5d", 2009: "#78c679", 2017: "#a1d99b", 2020: "#c7e9c0", 2023: "#9e9ac8", 2024: "#6a51a3" };
    let timer = null;
    async function show(at) {
      const res = await fetch("/api/v1/map?at=" + at);
      if (!res.ok) return;
      const m = await res.json();
      document.querySelectorAll("#worldmap a[data-code]").forEach(a => {
        const code = a.dataset.code, path = a.querySelector("path");
        const year = m.members[code];
        path.setAttribute("fill", year ? (colours[year] || "#6a51a3") : (m.candidates[code] ? "#e69f00" : "#d9d9d9"));
        a.setAttribute("href", "/state/" + code + "?at=" + at);
      });
      document.getElementById("map-date").textContent = at;
      document.getElementById("map-count").textContent = m.count;
      const cands = Object.keys(m.candidates).sort().map(c => c + " (" + m.candidates[c] + ")");
      document.getElementById("map-candidates").textContent = cands.length ? cands.join(", ") : "none";
      dateInput.value = at;
      history.replaceState(null, "", "/?at=" + at);
    }
    slider.addEventListener("input", () => show(slider.value + "-12-31" > dateInput.max ? dateInput.max : slider.value + "-12-31"));
    dateInput.addEventListener("change", () => { slider.value = dateInput.value.slice(0, 4); show(dateInput.value); });
    play.addEventListener("click", () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; play.setAttribute("aria-pressed", "false"); return; }
      play.textContent = "❚❚ Pause"; play.setAttribute("aria-pressed", "true");
      if (+slider.value >= +slider.max) slider.value = slider.min;
      timer = setInterval(() => {
        if (+slider.value >= +slider.max) { play.click(); return; }
        slider.value = +slider.value + 1;
        slider.dispatchEvent(new Event("input"));
      }, 600);
    });
    document.getElementById("worldmap").addEventListener("click", async ev => {
      const a = ev.target.closest("a[data-code]");
      if (!a) return;
      ev.preventDefault();
      const at = dateInput.value, code = a.dataset.code;
      const res = await fetch("/api/v1/protection/" + code + "?at=" + at);
      panel.hidden = false;
      if (!res.ok) { panel.textContent = (await res.json()).error.message; return; }
      const p = await res.json();
      panel.replaceChildren();
      const h = document.createElement("h2"); h.textContent = p.name + " on " + p.at; panel.append(h);
      const s = document.createElement("p");
      s.textContent = "NATO member: " + (p.nato_member ? "yes" : "no") + " · EU member: " + (p.eu_member ? "yes" : "no") + " · " + p.commitments.length + " commitments";
      panel.append(s);
      const ul = document.createElement("ul");
      p.commitments.slice(0, 8).forEach(c => { const li = document.createElement("li"); li.textContent = c.name + " (since " + c.since + ")"; ul.append(li); });
      panel.append(ul);
      const more = document.createElement("a"); more.href = "/state/" + code + "?at=" + at; more.textContent = "Full profile and events →"; panel.append(more);
      panel.focus && panel.setAttribute("tabindex", "-1");
    });
  }

  // Maps: a Europe and North Atlantic view, the first one on a phone, where
  // the whole world leaves European states too small to tap.
  const views = { europe: "310 26 134 74", world: null };
  document.querySelectorAll(".map-wrap svg").forEach(svg => {
    views.world = views.world || svg.getAttribute("viewBox");
    const world = svg.getAttribute("viewBox");
    const bar = document.createElement("div");
    bar.className = "map-views";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Map view");
    const set = (name, vb) => {
      svg.setAttribute("viewBox", vb);
      bar.querySelectorAll("button").forEach(b => b.setAttribute("aria-pressed", String(b.dataset.view === name)));
    };
    [["europe", "Europe and North Atlantic", views.europe], ["world", "World", world]].forEach(([name, label, vb]) => {
      const b = document.createElement("button");
      b.type = "button"; b.dataset.view = name; b.textContent = label;
      b.addEventListener("click", ev => { ev.stopPropagation(); set(name, vb); });
      bar.append(b);
    });
    svg.closest(".map-wrap").before(bar);
    set(window.innerWidth < 700 ? "europe" : "world", window.innerWidth < 700 ? views.europe : world);
  });

  // Article 5 checker: clicking the map fills in the coordinates and checks.
  const pick = document.getElementById("a5-map");
  if (pick) {
    pick.addEventListener("click", ev => {
      ev.preventDefault();
      const svg = pick.querySelector("svg"), pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      const p = pt.matrixTransform(svg.getScreenCTM().inverse());
      const lon = p.x / 2 - 180, lat = 84 - p.y / 2;
      document.getElementById("lat").value = lat.toFixed(4);
      document.getElementById("lon").value = lon.toFixed(4);
      document.getElementById("place").value = "";
      document.getElementById("a5-form").submit();
    });
  }

  // Article 5 checker: places suggested as you type, each a link that checks it.
  const place = document.getElementById("place"), sugg = document.getElementById("place-suggest");
  if (place && sugg) {
    let timer = null, last = "";
    place.addEventListener("input", () => {
      clearTimeout(timer);
      document.getElementById("lat").value = ""; document.getElementById("lon").value = "";
      timer = setTimeout(async () => {
        const q = place.value.trim();
        if (q === last) return;
        last = q;
        if (q.length < 2) { sugg.hidden = true; sugg.replaceChildren(); return; }
        const res = await fetch("/api/v1/places?limit=8&q=" + encodeURIComponent(q));
        if (!res.ok || place.value.trim() !== q) return;
        const body = await res.json();
        const form = new URLSearchParams(new FormData(document.getElementById("a5-form")));
        form.delete("lat"); form.delete("lon");
        for (const [k, v] of [...form]) if (!v) form.delete(k);
        sugg.replaceChildren();
        body.places.forEach(p => {
          form.set("place", p.label);
          const a = document.createElement("a");
          a.href = "/article5?" + form.toString();
          a.textContent = p.label + " ";
          const kind = document.createElement("small");
          kind.textContent = p.also_known_as ? "(" + p.also_known_as + ")" : p.kind === "city" ? "" : p.kind;
          a.append(kind);
          sugg.append(a);
        });
        sugg.hidden = body.places.length === 0;
      }, 150);
    });
  }

  // Ukraine: the forecast streams its progress before the page reloads with it.
  const tt = document.getElementById("tt-form");
  if (tt && window.EventSource) {
    tt.addEventListener("submit", ev => {
      const data = new URLSearchParams(new FormData(tt));
      for (const [k, v] of [...data]) if (!v) data.delete(k);
      if (!data.get("hold_member")) { data.delete("hold_until"); data.delete("hold_chance"); }
      if (!data.get("invited") && !data.get("not_before")) return;
      ev.preventDefault();
      // The API takes the scenario as withhold=CODE:DATE:P and gate=DATE[:DATE].
      const api = new URLSearchParams(data);
      for (const k of ["hold_member", "hold_until", "hold_chance", "not_before", "not_after"]) api.delete(k);
      if (data.get("hold_member") && data.get("hold_until")) api.set("withhold", data.get("hold_member") + ":" + data.get("hold_until") + ":" + (+(data.get("hold_chance") || 100) / 100));
      if (data.get("not_before")) api.set("gate", data.get("not_before") + (data.get("not_after") ? ":" + data.get("not_after") : ""));
      const bar = document.getElementById("tt-progress");
      bar.hidden = false; bar.value = 0;
      const src = new EventSource("/api/v1/timetable/UA?" + api.toString());
      src.addEventListener("progress", e => { const d = JSON.parse(e.data); bar.value = 100 * d.done / d.total; bar.textContent = bar.value.toFixed(0) + "%"; });
      const done = () => { src.close(); location.href = "/ukraine?" + data.toString() + "#forecast"; };
      src.addEventListener("result", done);
      src.addEventListener("error", done);
    });
  }
})();
