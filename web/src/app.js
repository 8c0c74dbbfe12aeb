// nofly's web map: zones by kind and active state, aircraft rotated to their track with trails and
// callsigns, the alerts panel with evidence downloads; a time slider for replays, a lag badge and
// server-sent events for live runs. No tile server and no font server: the basemap is Natural
// Earth GeoJSON served by nofly itself, and every label is drawn on a canvas.
/* global maplibregl */

const KIND_COLOURS = {
  prohibited: '#c62828', restricted: '#e65100', danger: '#f9a825', tfr: '#ad1457',
  conflict: '#6a1b9a', uas: '#1565c0', custom: '#546e7a', 'gnss-interference': '#00838f',
};
const TRAIL_S = 600;
const $ = (id) => document.getElementById(id);

const state = {
  info: null, // /api/info
  time: null, // replay: the slider's time, ms
  playing: false,
  events: [], // every event known, in time order
  aircraft: new Map(), // icao24 -> aircraft view
  selected: null,
  zonesAt: null,
};
window.nofly = { state };

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const utc = (text) => `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`;
const thousands = (v) => Math.round(v).toLocaleString('en-US');

const KIND_WORDS = {
  enter: 'Entered', exit: 'Left', predicted_entry: 'Predicted to enter', prediction_cleared: 'Prediction cleared for',
  signal_lost: 'Signal lost inside', signal_regained: 'Signal regained in', emergency: 'Emergency squawk in',
  closest_approach: 'Closest approach to', interference_start: 'GNSS interference began in',
  interference_end: 'GNSS interference ended in',
};

/** 59.7376° N, 24.3575° E: four decimals, about 10 m. */
function position(lat, lon) {
  return `${Math.abs(lat).toFixed(4)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lon).toFixed(4)}° ${lon >= 0 ? 'E' : 'W'}`;
}

function altitude(e) {
  if (e.on_ground) return 'on the ground';
  if (e.alt_ft == null) return 'unknown';
  return `${thousands(e.alt_ft)} ft (FL${String(Math.max(0, Math.round(e.alt_ft / 100))).padStart(3, '0')})`;
}

/** Who the aircraft of an event is, in words: registration, type, operator, country, military. */
function identityRows(a) {
  if (!a) return [];
  const rows = [];
  if (a.registration) rows.push(['Registration', a.registration]);
  if (a.type || a.description) rows.push(['Type', [a.description, a.type && `(${a.type})`].filter(Boolean).join(' ')]);
  if (a.operator) rows.push(['Operator', a.operator]);
  if (a.year) rows.push(['Built', String(a.year)]);
  if (a.country) rows.push(['Address block of', a.country]);
  if (a.military) rows.push(['Military', a.military === 'database' ? 'yes (aircraft database)' : 'probably (military address block)', 'mil']);
  const flags = [a.interesting && 'interesting', a.pia && 'privacy address (PIA)', a.ladd && 'LADD'].filter(Boolean);
  if (flags.length) rows.push(['Flags', flags.join(', ')]);
  return rows;
}

/** An event as label/value rows a person reads: units, rounded coordinates, names. */
function describe(e) {
  const rows = [['What', `${KIND_WORDS[e.kind] ?? e.kind} ${e.zone_name}`], ['Time', utc(e.time)]];
  if (e.icao24) rows.push(['Aircraft', [e.callsign, `(${e.icao24})`].filter(Boolean).join(' ')]);
  rows.push(...identityRows(e.aircraft));
  if (e.category) rows.push(['Emitter category', e.category]);
  rows.push(['Position', position(e.lat, e.lon)]);
  if (e.icao24) rows.push(['Altitude', `${altitude(e)}${e.alt_unknown ? ' — taken as inside' : ''}`]);
  if (e.gs_kt != null) rows.push(['Ground speed', `${Math.round(e.gs_kt)} kt`]);
  if (e.predicted_time) rows.push(['Predicted entry', `${utc(e.predicted_time)} at ${position(e.predicted_lat, e.predicted_lon)}`]);
  if (e.distance_m != null) rows.push(['Distance', `${(e.distance_m / 1000).toFixed(1)} km`]);
  if (e.squawk) rows.push(['Squawk', e.squawk]);
  if (e.exempt) rows.push(['Exempt', 'yes: the zone exempts this aircraft']);
  if (e.nic != null || e.nacp != null) {
    rows.push(['Position integrity', `NIC ${e.nic ?? '–'}, NACp ${e.nacp ?? '–'}${e.degraded ? ' — degraded (below the ADS-B Out floors)' : ''}`]);
  }
  if (e.cell) rows.push(['Interference cell', `${e.cell}: ${e.cell_affected} of ${e.cell_aircraft} aircraft affected (confidence ${(e.cell_confidence * 100).toFixed(0)} %)`]);
  rows.push(['Zone', `${e.zone_name} (${e.zone_id}), version ${e.zone_version.slice(0, 12)}`]);
  rows.push(['Event id', e.id]);
  return rows;
}

// ---- the map -------------------------------------------------------------------------------

const map = new maplibregl.Map({
  container: 'map',
  attributionControl: { compact: false, customAttribution: 'Basemap: Natural Earth (public domain)' },
  style: {
    version: 8,
    sources: {
      countries: { type: 'geojson', data: 'basemap-countries.json' },
      borders: { type: 'geojson', data: 'basemap-borders.json' },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#cfdde8' } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f3f1ea' } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#9aa0a8', 'line-width': 0.8 } },
    ],
  },
  center: [10, 50],
  zoom: 3,
});
window.nofly.map = map;
map.addControl(new maplibregl.NavigationControl(), 'top-left');
map.addControl(new maplibregl.ScaleControl(), 'bottom-left');

/** An aircraft silhouette pointing north, drawn once. */
function planeImage() {
  const size = 32;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const c = canvas.getContext('2d');
  c.translate(size / 2, size / 2);
  c.beginPath();
  c.moveTo(0, -13); c.lineTo(2.5, -4); c.lineTo(12, 2); c.lineTo(12, 5); c.lineTo(2.5, 2);
  c.lineTo(2, 9); c.lineTo(5, 12); c.lineTo(5, 13.5); c.lineTo(0, 12); c.lineTo(-5, 13.5);
  c.lineTo(-5, 12); c.lineTo(-2, 9); c.lineTo(-2.5, 2); c.lineTo(-12, 5); c.lineTo(-12, 2);
  c.lineTo(-2.5, -4); c.closePath();
  c.fillStyle = '#10223d'; c.strokeStyle = '#ffffff'; c.lineWidth = 1.5;
  c.stroke(); c.fill();
  return c.getImageData(0, 0, size, size);
}

/** A text label drawn on a canvas (the map has no glyph server). */
function labelImage(text) {
  const canvas = document.createElement('canvas');
  const c = canvas.getContext('2d');
  const font = '600 11px system-ui, sans-serif';
  c.font = font;
  const width = Math.ceil(c.measureText(text).width) + 8;
  canvas.width = width; canvas.height = 16;
  c.font = font;
  c.fillStyle = 'rgba(255,255,255,0.85)'; c.fillRect(0, 0, width, 16);
  c.fillStyle = '#10223d'; c.textBaseline = 'middle'; c.fillText(text, 4, 8.5);
  return c.getImageData(0, 0, width, 16);
}

map.on('styleimagemissing', (e) => {
  if (e.id.startsWith('label:') && !map.hasImage(e.id)) {
    map.addImage(e.id, labelImage(e.id.slice(6)), { pixelRatio: 1 });
  }
});

function addLayers() {
  map.addImage('plane', planeImage(), { pixelRatio: 1.4 });
  map.addSource('zones', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' });
  const colour = ['match', ['get', 'kind'], ...Object.entries(KIND_COLOURS).flat(), '#546e7a'];
  const active = ['boolean', ['feature-state', 'active'], false];
  map.addLayer({ id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': colour, 'fill-opacity': ['case', active, 0.32, 0.07] } });
  map.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': colour, 'line-width': ['case', active, 2, 1], 'line-opacity': ['case', active, 1, 0.5] } });
  map.addSource('trails', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'trails', type: 'line', source: 'trails', paint: { 'line-color': '#10223d', 'line-width': 1.5, 'line-opacity': 0.55 } });
  map.addSource('aircraft', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'aircraft', type: 'symbol', source: 'aircraft',
    layout: { 'icon-image': 'plane', 'icon-rotate': ['get', 'track'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true },
  });
  map.addLayer({
    id: 'aircraft-labels', type: 'symbol', source: 'aircraft',
    layout: { 'icon-image': ['concat', 'label:', ['get', 'label']], 'icon-anchor': 'top', 'icon-offset': [0, 14], 'icon-allow-overlap': false },
  });
  map.addSource('selected', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'selected', type: 'circle', source: 'selected', paint: { 'circle-radius': 14, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#b3261e', 'circle-stroke-width': 3 } });

  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  map.on('mousemove', 'zones-fill', (e) => {
    const p = e.features[0].properties;
    map.getCanvas().style.cursor = 'pointer';
    popup.setLngLat(e.lngLat).setHTML(
      `<strong>${escape(p.name)}</strong> (${escape(p.id)})<br>${escape(p.kind)} · ${escape(p.lower)} – ${escape(p.upper)}<br>` +
      `${e.features[0].state.active ? 'active' : 'not active'} at the time shown<br><small>version ${escape(p.version.slice(0, 12))}</small>`,
    ).addTo(map);
  });
  map.on('mouseleave', 'zones-fill', () => { map.getCanvas().style.cursor = ''; popup.remove(); });
  map.on('click', 'aircraft', (e) => {
    const p = e.features[0].properties;
    new maplibregl.Popup().setLngLat(e.lngLat).setHTML(
      `<strong>${escape(p.label)}</strong> ${escape(p.icao24)}<br>` +
      `${p.alt === '' ? 'altitude unknown' : `${escape(thousands(Number(p.alt)))} ft`} · ${p.speed === '' ? '' : `${escape(p.speed)} kt · `}track ${escape(p.track)}°<br>` +
      `squawk ${escape(p.squawk || '–')} · ${escape(utc(String(p.time)))}` +
      identityRows(state.events.find((ev) => ev.icao24 === p.icao24 && ev.aircraft)?.aircraft)
        .map(([label, value]) => `<br>${escape(label)}: ${escape(value)}`).join(''),
    ).addTo(map);
  });
}

function escape(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- zones ---------------------------------------------------------------------------------

async function loadZones() {
  const zones = await getJson('api/zones');
  map.getSource('zones').setData(zones);
  window.nofly.zoneProperties = new Map(zones.features.map((f) => [f.properties.id, f.properties]));
  fillFilter('filter-zone', zones.features.map((f) => [f.properties.id, `${f.properties.name} (${f.properties.id})`]));
  applyZoneState(zones);
  fitTo(zones);
  window.nofly.zones = zones.features.length;
}

function fitTo(collection) {
  const box = [180, 90, -180, -90];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else c.forEach(visit);
  };
  collection.features.forEach((f) => f.geometry && visit(f.geometry.coordinates));
  if (box[0] <= box[2]) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 30, duration: 0 });
}

function applyZoneState(zones) {
  for (const f of zones.features) map.setFeatureState({ source: 'zones', id: f.id }, { active: f.properties.active });
}

async function refreshZoneState(at) {
  const zones = await getJson(`api/zones?geometry=false${at ? `&at=${encodeURIComponent(iso(at))}` : ''}`);
  applyZoneState(zones);
  state.zonesAt = at;
}

// ---- aircraft ------------------------------------------------------------------------------

function drawAircraft() {
  const planes = [];
  const trails = [];
  for (const a of state.aircraft.values()) {
    planes.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [a.lon, a.lat] },
      properties: {
        icao24: a.icao24, label: a.callsign || a.icao24, track: a.track_deg ?? 0,
        alt: a.alt_ft == null ? '' : Math.round(a.alt_ft), speed: a.speed_kt == null ? '' : Math.round(a.speed_kt),
        squawk: a.squawk || '', time: a.time,
      },
    });
    if (a.trail.length > 1) trails.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: a.trail }, properties: {} });
  }
  map.getSource('aircraft').setData({ type: 'FeatureCollection', features: planes });
  map.getSource('trails').setData({ type: 'FeatureCollection', features: trails });
  $('counts').textContent = `${state.aircraft.size} aircraft · ${window.nofly.zones ?? 0} zones`;
}

async function loadAircraft(at) {
  const query = at == null ? `trail=${TRAIL_S}` : `at=${encodeURIComponent(iso(at))}&trail=${TRAIL_S}`;
  const { aircraft } = await getJson(`api/aircraft?${query}`);
  state.aircraft = new Map(aircraft.map((a) => [a.icao24, a]));
  drawAircraft();
}

// ---- alerts --------------------------------------------------------------------------------

/** Replaces a filter's options (the first, "every …", stays), keeping the choice. */
function fillFilter(id, entries) {
  const select = $(id);
  const chosen = select.value;
  const first = select.options[0];
  select.replaceChildren(first, ...entries.map(([value, label]) => new Option(label, value)));
  select.value = entries.some(([value]) => value === chosen) ? chosen : '';
}

/** Whether an event passes the panel's zone, kind and aircraft filters. */
function passesFilters(e) {
  const zone = $('filter-zone').value;
  const kind = $('filter-kind').value;
  const text = $('filter-aircraft').value.trim().toLowerCase();
  if (zone && e.zone_id !== zone) return false;
  if (kind && e.kind !== kind) return false;
  if (!text) return true;
  const a = e.aircraft ?? {};
  return [e.callsign, e.icao24, a.registration, a.type, a.operator].some((v) => v && v.toLowerCase().includes(text));
}

for (const id of ['filter-zone', 'filter-kind', 'filter-aircraft']) $(id).addEventListener('input', () => renderAlerts());

function renderAlerts() {
  const known = [...new Set(state.events.map((e) => e.kind))].sort();
  if (known.length !== $('filter-kind').options.length - 1) fillFilter('filter-kind', known.map((k) => [k, k.replaceAll('_', ' ')]));
  const shown = state.info.mode === 'replay' ? state.events.filter((e) => Date.parse(e.time) <= state.time) : state.events;
  const visible = shown.filter(passesFilters);
  const list = $('alerts');
  list.replaceChildren();
  for (const e of visible.slice(-500).reverse()) {
    const item = document.createElement('li');
    item.dataset.id = e.id;
    if (state.selected === e.id) item.classList.add('selected');
    const who = [e.aircraft?.registration, e.aircraft?.type, e.aircraft?.military && 'military'].filter(Boolean).join(' · ');
    item.innerHTML = `<span class="kind ${escape(e.kind)}">${escape(e.kind.replaceAll('_', ' '))}</span> ` +
      `${escape(e.callsign || e.icao24 || 'area')} · ${escape(e.zone_name)}` +
      `${who ? ` <span class="who">${escape(who)}</span>` : ''}<br><span class="when">${escape(utc(e.time))}</span>`;
    item.addEventListener('click', () => selectAlert(e));
    list.append(item);
  }
  $('alert-count').textContent = `${visible.length}`;
}

function selectAlert(e) {
  state.selected = e.id;
  map.flyTo({ center: [e.lon, e.lat], zoom: Math.max(map.getZoom(), 7), duration: 800 });
  map.getSource('selected').setData({ type: 'Feature', geometry: { type: 'Point', coordinates: [e.lon, e.lat] }, properties: {} });
  const fields = $('details-fields');
  fields.replaceChildren();
  for (const [label, value, style] of describe(e)) {
    const dt = document.createElement('dt'); dt.textContent = label;
    const dd = document.createElement('dd'); dd.textContent = value;
    if (style) dd.className = style;
    fields.append(dt, dd);
  }
  drawProfile(e).catch((err) => showError(err.message));
  const link = $('evidence');
  link.hidden = !state.info.evidence;
  $('evidence-note').hidden = !state.info.evidence;
  link.href = `api/events/${encodeURIComponent(e.id)}/evidence`;
  link.download = `nofly-evidence-${e.id}.json`;
  $('details').hidden = false;
  if (state.info.mode === 'replay') setTime(Date.parse(e.time));
  else renderAlerts();
}

/** A zone limit as the API states it ("SFC", "FL95", "2500 ft MSL", "300 m AGL", "UNL") in feet. */
function limitFeet(text) {
  const t = String(text ?? '').trim().toUpperCase();
  if (t === 'SFC' || t === 'GND' || t === '') return 0;
  if (t === 'UNL') return Infinity;
  const fl = /^FL\s*(\d+)/.exec(t);
  if (fl) return Number(fl[1]) * 100;
  const v = /^(-?[\d.]+)\s*(FT|M)?/.exec(t);
  if (!v) return null;
  return Number(v[1]) * (v[2] === 'M' ? 1 / 0.3048 : 1);
}

/** The selected aircraft's altitude over time, the zone's band behind it, the alert's time marked. */
async function drawProfile(e) {
  const box = $('profile-box');
  box.hidden = true;
  if (!e.icao24) return;
  const response = await fetch(`api/aircraft/${encodeURIComponent(e.icao24)}/profile`);
  if (response.status === 404) return;
  if (!response.ok) throw new Error(`profile of ${e.icao24}: HTTP ${response.status}`);
  const { points } = await response.json();
  const known = points.filter(([, ft]) => ft != null);
  if (known.length < 2 || state.selected !== e.id) return;
  const canvas = $('profile');
  const c = canvas.getContext('2d');
  const [w, h, left, bottom] = [canvas.width, canvas.height, 46, 18];
  c.clearRect(0, 0, w, h);
  const t0 = known[0][0];
  const t1 = Math.max(known[known.length - 1][0], t0 + 1);
  const zone = window.nofly.zoneProperties?.get(e.zone_id);
  const [low, high] = zone ? [limitFeet(zone.lower), limitFeet(zone.upper)] : [null, null];
  const highest = Math.max(...known.map(([, ft]) => ft), Number.isFinite(high) ? high : 0, 1000);
  const top = Math.ceil((highest * 1.1) / 1000) * 1000;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (w - left - 6);
  const y = (ft) => 6 + (1 - Math.min(Math.max(ft, 0), top) / top) * (h - 6 - bottom);
  if (low != null && high != null) {
    c.fillStyle = `${KIND_COLOURS[zone.kind] ?? '#546e7a'}40`;
    c.fillRect(left, y(Math.min(high, top)), w - left - 6, y(low) - y(Math.min(high, top)));
  }
  c.font = '10px system-ui, sans-serif';
  c.fillStyle = '#556'; c.strokeStyle = '#e3e5ea';
  for (let i = 0; i <= 4; i += 1) {
    const ft = (top * i) / 4;
    c.beginPath(); c.moveTo(left, y(ft)); c.lineTo(w - 6, y(ft)); c.stroke();
    c.fillText(`${thousands(ft)}`, 2, y(ft) + 3);
  }
  c.fillText(iso(t0).slice(11, 16), left, h - 4);
  c.fillText(iso(t1).slice(11, 16), w - 34, h - 4);
  c.strokeStyle = '#10223d'; c.lineWidth = 1.5;
  c.beginPath();
  known.forEach(([t, ft], i) => (i ? c.lineTo(x(t), y(ft)) : c.moveTo(x(t), y(ft))));
  c.stroke();
  const at = Date.parse(e.time);
  c.strokeStyle = '#b3261e'; c.lineWidth = 2;
  c.beginPath(); c.moveTo(x(at), 6); c.lineTo(x(at), h - bottom); c.stroke();
  c.lineWidth = 1;
  box.hidden = false;
}

$('close-details').addEventListener('click', () => {
  $('details').hidden = true;
  state.selected = null;
  map.getSource('selected').setData({ type: 'FeatureCollection', features: [] });
  renderAlerts();
});

// ---- replay: the time slider ---------------------------------------------------------------

let loading = false;
let pendingTime = null;

async function setTime(ms) {
  state.time = Math.min(Math.max(ms, state.info.startMs), state.info.endMs);
  $('time').value = String(Math.round(state.time / 1000));
  $('time-label').textContent = iso(Math.round(state.time / 1000) * 1000);
  renderAlerts();
  // One request at a time; the latest time asked for wins.
  if (loading) { pendingTime = state.time; return; }
  loading = true;
  try {
    await loadAircraft(state.time);
    if (state.zonesAt == null || Math.abs(state.time - state.zonesAt) > 60_000) await refreshZoneState(state.time);
    showError('');
  } catch (err) {
    showError(err.message);
  } finally {
    loading = false;
  }
  if (pendingTime != null) { const t = pendingTime; pendingTime = null; setTime(t); }
}

function startReplay() {
  const bar = $('timebar');
  bar.hidden = false;
  const slider = $('time');
  slider.min = String(Math.floor(state.info.startMs / 1000));
  slider.max = String(Math.ceil(state.info.endMs / 1000));
  slider.addEventListener('input', () => setTime(Number(slider.value) * 1000));
  let last = null;
  const step = (now) => {
    if (!state.playing) { last = null; return; }
    if (last != null && !loading) {
      const next = state.time + (now - last) * Number($('speed').value);
      if (next >= state.info.endMs) { state.playing = false; $('play').textContent = '▶'; }
      setTime(next);
    }
    if (!loading) last = now;
    requestAnimationFrame(step);
  };
  $('play').addEventListener('click', () => {
    state.playing = !state.playing;
    $('play').textContent = state.playing ? '❚❚' : '▶';
    if (state.playing) requestAnimationFrame(step);
  });
  // Start where something happens: a minute before the first alert, else at the start.
  const first = state.events.find((e) => e.kind === 'enter') ?? state.events[0];
  setTime(first ? Date.parse(first.time) - 60_000 : state.info.startMs);
}

// ---- live: the stream ----------------------------------------------------------------------

function startLive() {
  const stream = new EventSource('api/stream');
  stream.addEventListener('aircraft', (m) => {
    for (const a of JSON.parse(m.data)) state.aircraft.set(a.icao24, a);
    drawAircraft();
  });
  stream.addEventListener('event', (m) => {
    state.events.push(JSON.parse(m.data));
    renderAlerts();
  });
  stream.addEventListener('zones', () => loadZones().catch((err) => showError(err.message)));
  stream.addEventListener('status', (m) => {
    const s = JSON.parse(m.data);
    const lag = $('lag');
    lag.hidden = s.lag_s == null;
    if (s.lag_s != null) {
      lag.textContent = `lag ${s.lag_s.toFixed(1)} s · ${Math.round(s.reports_per_s)} reports/s`;
      lag.classList.toggle('late', s.lag_s > 10);
    }
    // Aircraft not heard for a while are dropped by the server; follow it every few seconds.
    if (Date.now() - (state.lastFull ?? 0) > 10_000) {
      state.lastFull = Date.now();
      loadAircraft(null).catch((err) => showError(err.message));
    }
  });
  stream.onerror = () => showError('live stream interrupted: reconnecting');
  stream.onopen = () => showError('');
}

// ---- start ---------------------------------------------------------------------------------

async function start() {
  state.info = await getJson('api/info');
  state.info.startMs = state.info.start ? Date.parse(state.info.start) : null;
  state.info.endMs = state.info.end ? Date.parse(state.info.end) : null;
  $('mode').textContent = state.info.mode;
  await loadZones();
  const { events } = await getJson('api/events?limit=10000');
  state.events = events;
  if (state.info.mode === 'replay' && state.info.startMs != null) startReplay();
  else if (state.info.mode === 'live') { await loadAircraft(null); renderAlerts(); startLive(); }
  else { renderAlerts(); drawAircraft(); }
  window.nofly.ready = true;
}

map.on('load', () => {
  addLayers();
  start().catch((err) => showError(err.message));
});
