// Builds nofly's web map into web/dist, which the nofly binary embeds (crates/server/build.rs):
// our own page, script and style from web/src; MapLibre GL's browser build from npm; and the
// basemap, Natural Earth 1:50m countries (public domain) from the npm package world-atlas,
// converted from TopoJSON to GeoJSON with coordinates rounded to 0.001° (~100 m).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature, mesh } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const modules = join(here, 'node_modules');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), dist, { recursive: true });
for (const file of ['maplibre-gl.js', 'maplibre-gl.css', 'LICENSE.txt']) {
  cpSync(join(modules, 'maplibre-gl', 'dist', file), join(dist, 'vendor', file === 'LICENSE.txt' ? 'maplibre-gl-LICENSE.txt' : file));
}

// world-atlas winds rings clockwise (d3's spherical convention); MapLibre tells outer rings from
// holes by winding once tiles are cut, so rings are rewound to RFC 7946: outer counter-clockwise.
const signedArea = (ring) => ring.reduce((sum, [x1, y1], i) => {
  const [x2, y2] = ring[(i + 1) % ring.length];
  return sum + (x1 * y2 - x2 * y1);
}, 0);
// Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180; a renderer then draws
// an edge across the whole world. Unwrapped, their longitudes run on past 180 instead.
const unwrap = (ring) => {
  let shift = 0;
  return ring.map(([x, y], i) => {
    if (i > 0) {
      const previous = ring[i - 1][0];
      if (x - previous > 180) shift -= 360;
      else if (previous - x > 180) shift += 360;
    }
    return [x + shift, y];
  });
};
const rewind = (rings) => rings.map(unwrap).map((ring, i) => ((signedArea(ring) > 0) === (i === 0) ? ring : [...ring].reverse()));
const rewindGeometry = (g) => {
  if (g.type === 'Polygon') g.coordinates = rewind(g.coordinates);
  if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(rewind);
};
const round = (value) => (Array.isArray(value) ? value.map(round) : Math.round(value * 1000) / 1000);
const atlas = JSON.parse(readFileSync(join(modules, 'world-atlas', 'countries-50m.json'), 'utf8'));
const countries = feature(atlas, atlas.objects.countries);
for (const f of countries.features) {
  f.geometry.coordinates = round(f.geometry.coordinates);
  rewindGeometry(f.geometry);
  f.properties = { name: f.properties.name };
}
const borders = mesh(atlas, atlas.objects.countries, (a, b) => a !== b);
borders.coordinates = round(borders.coordinates);
writeFileSync(join(dist, 'basemap-countries.json'), JSON.stringify(countries));
writeFileSync(join(dist, 'basemap-borders.json'), JSON.stringify({ type: 'Feature', properties: {}, geometry: borders }));
writeFileSync(
  join(dist, 'basemap-LICENSE.txt'),
  'Basemap: Natural Earth 1:50m admin-0 countries (public domain, https://www.naturalearthdata.com),\n' +
    'via the npm package world-atlas@2.0.2 (ISC licence, Mike Bostock).\n',
);
console.log(`web map built into ${dist}`);
