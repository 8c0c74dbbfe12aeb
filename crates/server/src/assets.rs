//! The web map's files, embedded at build time from web/dist (see build.rs): `nofly` is one file.

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Served at `/` when the map was not built into this binary.
const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>nofly</title>\
<p>The web map was not built into this binary: run <code>scripts/build_web.sh</code> and build \
nofly again. The API answers under <a href=\"/api/openapi.json\">/api/</a>.</p>";

/// The content type and bytes of an embedded file, by its path under web/dist.
pub fn get(path: &str) -> Option<(&'static str, &'static [u8])> {
    FILES
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, mime, bytes)| (*mime, *bytes))
        .or_else(|| {
            (path == "index.html").then_some(("text/html; charset=utf-8", NOT_BUILT.as_bytes()))
        })
}
