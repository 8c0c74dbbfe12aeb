// The web map in a real browser: Debian's chromium driven by playwright-core (never a downloaded
// browser). Runs `nofly demo --http` (the real OpenSky Kaliningrad sample when it can be fetched,
// else the bundled one), then checks what a user sees: zones drawn, aircraft that move when the
// replay plays, an alert in the panel, and a click on it that flies the map there and offers the
// evidence bundle. Screenshots go to web/test-artifacts/.
//
// NOFLY_BIN: the nofly binary (default ../target/release/nofly); NOFLY_CACHE: the demo's cache;
// CHROMIUM: the browser (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artifacts = join(root, 'web', 'test-artifacts');
const bin = process.env.NOFLY_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'nofly');
const port = 18000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}/`;
let server;
let browser;
let serverLog = '';

async function waitForServer(deadline) {
  for (;;) {
    try {
      const r = await fetch(`${base}healthz`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    if (server.exitCode != null) throw new Error(`nofly demo exited (${server.exitCode}):\n${serverLog}`);
    if (Date.now() > deadline) throw new Error(`nofly demo did not serve within the time allowed:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'nofly-map-'));
  server = spawn(bin, ['demo', '--http', `127.0.0.1:${port}`], { cwd: work, env: process.env });
  server.stderr.on('data', (d) => { serverLog += d; });
  server.stdout.on('data', () => {});
  await waitForServer(Date.now() + 600_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
});

test('the demo replay: zones, moving aircraft, alerts, and a click that flies there', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(base);
  await page.waitForFunction(() => window.nofly?.ready === true, null, { timeout: 60_000 });
  await page.waitForFunction(() => window.nofly.map.loaded(), null, { timeout: 30_000 });

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

  await page.evaluate(() => window.nofly.map.jumpTo({ center: [0, 40], zoom: 3 }));
  const first = page.locator('#alerts li').last();
  const eventId = await first.getAttribute('data-id');
  const event = await page.evaluate((id) => window.nofly.state.events.find((e) => e.id === id), eventId);
  await first.click();
  await page.waitForFunction(([lon, lat]) => {
    const c = window.nofly.map.getCenter();
    return !window.nofly.map.isMoving() && Math.abs(c.lng - lon) < 0.01 && Math.abs(c.lat - lat) < 0.01;
  }, [event.lon, event.lat], { timeout: 10_000 });
  assert.equal(await page.isVisible('#details'), true, 'the alert details are shown');
  assert.match(await page.textContent('#details-fields'), new RegExp(event.id));
  const href = await page.getAttribute('#evidence', 'href');
  const bundle = await (await page.request.get(new URL(href, base).toString())).json();
  assert.equal(bundle.event.record.event.id, event.id, 'the evidence download is the bundle of that event');
  assert.ok(bundle.checkpoint?.signature, 'the bundle carries the signed checkpoint');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'map-alert.png') });
  if (process.env.NOFLY_UPDATE_SCREENSHOT === '1') {
    copyFileSync(join(artifacts, 'map-alert.png'), join(root, 'docs', 'images', 'web-map.png'));
  }
  assert.deepEqual(problems, [], 'no error in the page');
});
