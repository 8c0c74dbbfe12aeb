// The web map in a real browser: Debian's chromium driven by playwright-core (never a downloaded
// browser). Runs `nofly demo --http` (the real OpenSky Kaliningrad sample when it can be fetched,
// else the bundled one), then checks what a user sees: zones drawn, aircraft that move when the
// replay plays, an alert in the panel, and a click on it that flies the map there and offers the
// evidence bundle. Screenshots go to web/test-artifacts/.
//
// A second test watches a live SBS feed served by the test: the recorded dump1090 sample with its
// times rewritten to now as it is sent, against the synthetic Sicily test zones; the lag badge,
// aircraft and alerts must arrive through the server-sent-events stream.
//
// NOFLY_BIN: the nofly binary (default ../target/release/nofly); NOFLY_CACHE: the demo's cache;
// CHROMIUM: the browser (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artifacts = join(root, 'web', 'test-artifacts');
const bin = process.env.NOFLY_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'nofly');
let browser;

/** Starts nofly with `args` (plus --http on a free port) and waits until it serves. */
async function startNofly(args, options = {}) {
  const port = 18000 + ((process.pid + (options.offset ?? 0)) % 1000);
  const work = mkdtempSync(join(tmpdir(), 'nofly-map-'));
  const proc = spawn(bin, [...args, '--http', `127.0.0.1:${port}`], { cwd: work, env: process.env });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  proc.stdout.on('data', () => {});
  const base = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      if ((await fetch(`${base}healthz`)).ok) return { proc, base, log: () => log };
    } catch { /* not up yet */ }
    if (proc.exitCode != null) throw new Error(`nofly ${args[0]} exited (${proc.exitCode}):\n${log}`);
    if (Date.now() > deadline) throw new Error(`nofly ${args[0]} did not serve in time:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A page that records every error it shows. */
async function openPage(base) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => { if (!r.url().includes('/api/stream')) problems.push(`request failed: ${r.url()}`); });
  await page.goto(base);
  await page.waitForFunction(() => window.nofly?.ready === true, null, { timeout: 60_000 });
  await page.waitForFunction(() => window.nofly.map.loaded(), null, { timeout: 30_000 });
  return { page, problems };
}

/** Clicks the oldest alert in the panel and waits until the map is centred on it. */
async function clickOldestAlert(page) {
  await page.evaluate(() => window.nofly.map.jumpTo({ center: [0, 40], zoom: 3 }));
  const item = page.locator('#alerts li').last();
  const id = await item.getAttribute('data-id');
  const event = await page.evaluate((eventId) => window.nofly.state.events.find((e) => e.id === eventId), id);
  await item.click();
  await page.waitForFunction(([lon, lat]) => {
    const c = window.nofly.map.getCenter();
    return !window.nofly.map.isMoving() && Math.abs(c.lng - lon) < 0.01 && Math.abs(c.lat - lat) < 0.01;
  }, [event.lon, event.lat], { timeout: 10_000 });
  assert.equal(await page.isVisible('#details'), true, 'the alert details are shown');
  assert.match(await page.textContent('#details-fields'), new RegExp(event.id));
  return event;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
});

test('the demo replay: zones, moving aircraft, alerts, and a click that flies there', async (t) => {
  const demo = await startNofly(['demo'], { timeoutMs: 600_000 });
  t.after(() => demo.proc.kill('SIGINT'));
  const { page, problems } = await openPage(demo.base);

  assert.equal(await page.textContent('#mode'), 'replay');
  const zones = await page.evaluate(() => window.nofly.map.queryRenderedFeatures({ layers: ['zones-fill'] }).length);
  assert.ok(zones > 0, 'zones are drawn');
  const aircraftDrawn = await page.evaluate(() => window.nofly.map.querySourceFeatures('aircraft').length);
  assert.ok(aircraftDrawn > 0, 'aircraft are drawn');
  await page.screenshot({ path: join(artifacts, 'map-start.png') });

  const before = await page.evaluate(() => ({
    time: window.nofly.state.time,
    positions: Object.fromEntries([...window.nofly.state.aircraft.values()].map((a) => [a.icao24, [a.lon, a.lat]])),
    alerts: document.querySelectorAll('#alerts li').length,
  }));
  await page.selectOption('#speed', '300');
  await page.click('#play');
  await page.waitForFunction((t) => window.nofly.state.time > t + 240_000, before.time, { timeout: 30_000 });
  await page.click('#play');
  const afterPlay = await page.evaluate(() => ({
    time: window.nofly.state.time,
    positions: Object.fromEntries([...window.nofly.state.aircraft.values()].map((a) => [a.icao24, [a.lon, a.lat]])),
    alerts: document.querySelectorAll('#alerts li').length,
  }));
  const moved = Object.keys(afterPlay.positions).filter((icao) => {
    const [a, b] = [before.positions[icao], afterPlay.positions[icao]];
    return a && b && (a[0] !== b[0] || a[1] !== b[1]);
  });
  assert.ok(moved.length > 0, `aircraft moved while the replay played (${JSON.stringify(afterPlay.positions)})`);
  assert.ok(afterPlay.alerts > before.alerts, `an alert appeared in the panel (${before.alerts} → ${afterPlay.alerts})`);

  const event = await clickOldestAlert(page);
  const href = await page.getAttribute('#evidence', 'href');
  const bundle = await (await page.request.get(new URL(href, demo.base).toString())).json();
  assert.equal(bundle.event.record.event.id, event.id, 'the evidence download is the bundle of that event');
  assert.match(bundle.event.proof, /^c2sp\.org\/tlog-proof@v1\nindex \d+\n/, 'the bundle carries the tlog-proof of the event');
  assert.match(bundle.event.proof, /\n\u2014 nofly\.demo\/witness-a /, 'its checkpoint is cosigned by the demo\'s witnesses');
  // The details read as a person writes them, with who the aircraft is and its altitude profile.
  const details = await page.textContent('#details-fields');
  assert.match(details, /Position\d{1,2}\.\d{4}° [NS], \d{1,3}\.\d{4}° [EW]/, details);
  assert.match(details, /Altitude([\d,]+ ft \(FL\d{3}\)|on the ground|unknown)/, details);
  assert.match(details, /Address block of[A-Z]/, details);
  assert.doesNotMatch(details, /zone_id|alt_ft|icao24/, 'no raw keys');
  await page.waitForFunction(() => !document.getElementById('profile-box').hidden, null, { timeout: 10_000 });
  // The panel's filters: by zone, by aircraft.
  await page.selectOption('#filter-zone', event.zone_id);
  const zonesShown = await page.$$eval('#alerts li', (items) => items.map((li) => li.textContent));
  assert.ok(zonesShown.length > 0 && zonesShown.every((text) => text.includes(event.zone_name)), 'the zone filter keeps that zone');
  await page.fill('#filter-aircraft', 'no such aircraft');
  assert.equal(await page.locator('#alerts li').count(), 0, 'the aircraft filter keeps no other');
  await page.fill('#filter-aircraft', event.callsign ?? event.icao24);
  assert.ok(await page.locator('#alerts li').count() > 0, 'the aircraft filter finds it');
  await page.fill('#filter-aircraft', '');
  await page.selectOption('#filter-zone', '');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'map-alert.png') });
  if (process.env.NOFLY_UPDATE_SCREENSHOT === '1') {
    copyFileSync(join(artifacts, 'map-alert.png'), join(root, 'docs', 'images', 'web-map.png'));
  }
  assert.deepEqual(problems, [], 'no error in the page');
});

/** SBS lines with their generated and logged date and time set to the wall clock (UTC). */
function stampedNow(line) {
  const f = line.split(',');
  if (f.length < 10) return line;
  const now = new Date().toISOString(); // 2026-11-25T16:14:24.937Z
  const date = now.slice(0, 10).replaceAll('-', '/');
  const time = now.slice(11, 23);
  f[6] = date; f[7] = time; f[8] = date; f[9] = time;
  return f.join(',');
}

test('a live feed: lag badge, aircraft and alerts arrive through the stream', async (t) => {
  const lines = readFileSync(join(root, 'data/samples/modes1_dump1090mut_30003.sbs'), 'utf8').trim().split('\n');
  lines.sort((a, b) => a.split(',')[7].localeCompare(b.split(',')[7]));
  // nofly connects as soon as it starts; the lines are sent once the page is open.
  const feed = createServer();
  const connected = new Promise((r) => feed.once('connection', r));
  await new Promise((r) => feed.listen(0, '127.0.0.1', r));
  const zones = join(root, 'crates/cli/tests/fixtures/synthetic-sicily-zones.geojson');
  const watch = await startNofly(['watch', '--zones', zones, '--source', `sbs://127.0.0.1:${feed.address().port}`], { offset: 500 });
  t.after(() => { watch.proc.kill('SIGINT'); feed.close(); });
  const { page, problems } = await openPage(watch.base);
  assert.equal(await page.textContent('#mode'), 'live');
  const socket = await connected;
  // Sent over about six seconds, each line stamped with the time it is sent.
  const sending = (async () => {
    for (const [i, line] of lines.entries()) {
      socket.write(`${stampedNow(line)}\n`);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await page.waitForFunction(() => window.nofly.state.aircraft.size > 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('#alerts li').length > 0, null, { timeout: 30_000 });
  await page.waitForFunction(() => !document.getElementById('lag').hidden, null, { timeout: 10_000 });
  const badge = await page.textContent('#lag');
  const lag = Number(/lag (-?[0-9.]+) s/.exec(badge)?.[1]);
  assert.ok(Number.isFinite(lag) && lag < 30, `the lag badge shows a small lag: ${badge}`);
  const drawn = await page.evaluate(() => window.nofly.map.querySourceFeatures('aircraft').length);
  assert.ok(drawn > 0, 'the aircraft is drawn');
  await clickOldestAlert(page);
  await sending;
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'map-live.png') });
  socket.destroy();
  assert.deepEqual(problems, [], 'no error in the page');
});
