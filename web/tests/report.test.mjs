// `nofly report` in a real browser (Debian's chromium through playwright-core): the report of an
// alert on the real dump1090 SBS sample against the synthetic Sicily test zones, with its evidence
// bundle, opened from disk. It must load nothing from outside, show no error, draw the map (zones,
// track, one marker per timeline row) and the altitude profile, offer the bundle, and print to PDF.
// Screenshots go to web/test-artifacts/ (report.png, report-map.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artifacts = join(root, 'web', 'test-artifacts');
const bin = process.env.NOFLY_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'nofly');
let browser;

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

const nofly = (args, cwd) => execFileSync(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** How many pixels of a PNG (a Buffer) have about the colour `rgb`, counted in the browser. */
async function pixelsOf(page, png, rgb) {
  return page.evaluate(async ([data, [r, g, b]]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    const c = canvas.getContext('2d');
    c.drawImage(img, 0, 0);
    const px = c.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - r) < 40 && Math.abs(px[i + 1] - g) < 40 && Math.abs(px[i + 2] - b) < 40) n += 1;
    }
    return n;
  }, [png.toString('base64'), rgb]);
}

test('an alert report opens offline, draws its map and profile, carries its bundle, prints to PDF', async () => {
  const work = mkdtempSync(join(tmpdir(), 'nofly-report-'));
  copyFileSync(join(root, 'data/samples/modes1_dump1090mut_30003.sbs'), join(work, 'modes1.sbs'));
  const zones = join(root, 'crates/cli/tests/fixtures/synthetic-sicily-zones.geojson');
  nofly(['keygen', '--dir', work], work);
  nofly(['replay', '--zones', zones, '--evidence-log', 'evidence.log', '--key', 'nofly.key', '--events', 'events.jsonl', 'modes1.sbs'], work);
  const events = readFileSync(join(work, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const enter = events.find((e) => e.kind === 'enter');
  nofly(['evidence', enter.id, '--log', 'evidence.log', '--key', 'nofly.key', '--out', 'bundle.json'], work);
  nofly(['report', '--zones', zones, '--event', enter.id, '--bundle', 'bundle.json', '--pubkey', 'nofly.pub',
    '--out', 'report.html', '--pdf', 'report.pdf', 'modes1.sbs'], work);

  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (!/^(file|data):/.test(r.url())) problems.push(`outside request: ${r.url()}`); });
  await page.goto(pathToFileURL(join(work, 'report.html')).href);

  assert.match(await page.textContent('h1'), /AMC421 entered/);
  const rows = await page.locator('table.timeline tr').count() - 1;
  assert.equal(rows, events.length, 'one timeline row per event of the flight');
  assert.equal(await page.locator('svg.map g.event').count(), rows, 'one map marker per row');
  assert.ok(await page.locator('svg.profile path').count() >= 1, 'the altitude profile is drawn');
  assert.match(await page.textContent('table.identity'), /Malta/);

  // The map shows the zones (their kinds' colours) and the track, not an empty frame.
  const mapPng = await page.locator('svg.map').screenshot({ path: join(artifacts, 'report-map.png') });
  const track = await pixelsOf(page, mapPng, [0x10, 0x22, 0x3d]);
  const enterMarker = await pixelsOf(page, mapPng, [0xb3, 0x26, 0x1e]);
  assert.ok(track > 50, `the track is drawn (${track} pixels)`);
  assert.ok(enterMarker > 30, `the ENTER marker is drawn (${enterMarker} pixels)`);

  // The bundle offered is the bundle made, byte for byte.
  const href = await page.getAttribute('a.button[download]', 'href');
  const offered = Buffer.from(href.slice('data:application/json;base64,'.length), 'base64');
  assert.deepEqual(offered, readFileSync(join(work, 'bundle.json')));
  assert.match(await page.textContent('pre'), /^nofly verify bundle\.json --pubkey nofly\.pub$/);

  await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no error and nothing fetched from outside');

  const pdf = readFileSync(join(work, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'the report printed to PDF');
  assert.ok(pdf.length > 20_000, `the PDF has the page in it (${pdf.length} bytes)`);
});
