#!/usr/bin/env bash
# Re-create lindungdesa/static/vendor/ from the npm registry, at pinned exact versions.
#
# The output is committed; nothing runs this during install or deploy (production has
# no internet). Run it by hand to refresh or bump a library:
#
#   scripts/vendor-static.sh           # rewrite htmx/, leaflet/, swagger-ui/ and VERSIONS.md
#   scripts/vendor-static.sh --check   # rebuild in a temp dir, diff against the repo, change nothing
#
# Needs bash, npm (any registry/mirror set in your npm config is honoured), node, tar, diff.
# To bump: change a version below, run once; the integrity check fails and prints the new
# sha512 -- verify it (`npm view PKG@VER dist.integrity`), paste it in, run again.
# Files are copied byte-for-byte from the tarballs (minified builds as shipped).
# Trend charts are drawn on the server as SVG (lindungdesa/indicators/charts.py): no chart library here.
# (ECharts was: even trimmed to a line chart it is 171 KB brotli, docs/benchmarks.md.)
set -euo pipefail

HTMX_VERSION=2.0.11      # stay on 2.0.x: `npm view htmx.org@2.0 version`
LEAFLET_VERSION=1.9.4
SWAGGER_UI_VERSION=5.35.0  # the API documentation page (/api/docs/)

# sha512 of each npm tarball (same value as `npm view PKG@VER dist.integrity`).
pinned_integrity() {
    case "$1" in
        "htmx.org@$HTMX_VERSION") echo "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==" ;;
        "swagger-ui-dist@$SWAGGER_UI_VERSION") echo "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==" ;;
        "leaflet@$LEAFLET_VERSION") echo "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==" ;;
        *) echo "none" ;;
    esac
}

check=0
case "${1:-}" in
    "") ;;
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/lindungdesa/static/vendor"

work="$(mktemp -d "${TMPDIR:-/tmp}/vendor-static.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"

# fetch NAME VERSION -> unpacks the tarball into $work/NAME/package
fetch() {
    local name="$1" version="$2" spec="$1@$2" tgz actual pinned
    tgz="$work/$name-$version.tgz"
    (cd "$work" && npm pack "$spec" --pack-destination "$work" --ignore-scripts --silent >/dev/null)
    [[ -f "$tgz" ]] || { echo "npm pack $spec did not produce $tgz" >&2; exit 1; }
    actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
    pinned="$(pinned_integrity "$spec")"
    if [[ "$actual" != "$pinned" ]]; then
        echo "integrity mismatch for $spec" >&2
        echo "  pinned: $pinned" >&2
        echo "  got:    $actual" >&2
        exit 1
    fi
    mkdir -p "$work/$name"
    tar -xzf "$tgz" -C "$work/$name"
}

# put SRC DEST-relative-to-$out
put() {
    mkdir -p "$(dirname "$out/$2")"
    cp "$1" "$out/$2"
    chmod 0644 "$out/$2"
}

fetch htmx.org "$HTMX_VERSION"
fetch leaflet "$LEAFLET_VERSION"
fetch swagger-ui-dist "$SWAGGER_UI_VERSION"

p="$work/htmx.org/package"
put "$p/dist/htmx.min.js" htmx/htmx.min.js
put "$p/LICENSE" htmx/LICENSE

p="$work/leaflet/package"
put "$p/dist/leaflet.js" leaflet/leaflet.js
# leaflet.js ends with "//# sourceMappingURL=leaflet.js.map"; Django's manifest storage
# (collectstatic in production) fails if the referenced file is missing.
put "$p/dist/leaflet.js.map" leaflet/leaflet.js.map
put "$p/dist/leaflet.css" leaflet/leaflet.css
put "$p/LICENSE" leaflet/LICENSE
for img in "$p"/dist/images/*; do
    put "$img" "leaflet/images/$(basename "$img")"
done

p="$work/swagger-ui-dist/package"
# The bundle ends with a sourceMappingURL comment: keep the map, as for Leaflet.
put "$p/swagger-ui-bundle.js" swagger-ui/swagger-ui-bundle.js
put "$p/swagger-ui-bundle.js.map" swagger-ui/swagger-ui-bundle.js.map
put "$p/swagger-ui.css" swagger-ui/swagger-ui.css
put "$p/swagger-ui.css.map" swagger-ui/swagger-ui.css.map
put "$p/LICENSE" swagger-ui/LICENSE
put "$p/NOTICE" swagger-ui/NOTICE

cat >"$out/VERSIONS.md" <<EOF
# Vendored front-end libraries

Served from our own static files; no CDN. Files are copied unmodified from the
npm tarballs. Regenerate with \`scripts/vendor-static.sh\` (check with \`--check\`).

| Library | Version | npm package | Licence | Files |
|---|---|---|---|---|
| htmx | $HTMX_VERSION | \`htmx.org@$HTMX_VERSION\` | 0BSD | \`htmx/htmx.min.js\`, \`htmx/LICENSE\` |
| Swagger UI | $SWAGGER_UI_VERSION | \`swagger-ui-dist@$SWAGGER_UI_VERSION\` | Apache-2.0 | \`swagger-ui/swagger-ui-bundle.js\` (+ \`.map\`), \`swagger-ui/swagger-ui.css\` (+ \`.map\`), \`swagger-ui/LICENSE\`, \`swagger-ui/NOTICE\` |
| Leaflet | $LEAFLET_VERSION | \`leaflet@$LEAFLET_VERSION\` | BSD-2-Clause | \`leaflet/leaflet.js\`, \`leaflet/leaflet.js.map\`, \`leaflet/leaflet.css\`, \`leaflet/images/\`, \`leaflet/LICENSE\` |

\`leaflet/leaflet.js.map\` is kept because \`leaflet.js\` ends with a
\`sourceMappingURL\` comment and \`collectstatic\` with the manifest storage fails
when the referenced file is missing.
EOF
chmod 0644 "$out/VERSIONS.md"

if (( check )); then
    if diff -r "$out" "$vendor_dir" >&2; then
        echo "vendor files match htmx.org@$HTMX_VERSION leaflet@$LEAFLET_VERSION"
    else
        echo "vendor files differ from npm; run $0 to refresh" >&2
        exit 1
    fi
    exit 0
fi

# This script owns htmx/, leaflet/, swagger-ui/ and VERSIONS.md under the vendor directory.
mkdir -p "$vendor_dir"
for lib in htmx leaflet swagger-ui; do
    rm -rf "${vendor_dir:?}/$lib"
    cp -R "$out/$lib" "$vendor_dir/$lib"
done
cp "$out/VERSIONS.md" "$vendor_dir/VERSIONS.md"
echo "wrote $vendor_dir (htmx.org@$HTMX_VERSION leaflet@$LEAFLET_VERSION swagger-ui-dist@$SWAGGER_UI_VERSION)"
