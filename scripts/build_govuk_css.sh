#!/usr/bin/env bash
# Rebuild static/govuk/ from GOV.UK Frontend, without GOV.UK branding.
#
# The output is committed, so installing voice-app needs no Node. Run this only to change
# the GOV.UK Frontend version or the Sass settings below, then commit the result.
#
#   scripts/build_govuk_css.sh
#
# Needs node + npm and the npm registry. Works in a throw-away directory; nothing is left in
# the repository except the three output files.
#
# Keep GOVUK_FRONTEND_VERSION in step with the govuk-frontend-jinja macros in use:
# govuk-frontend-jinja 3.10.x targets GOV.UK Frontend 5.14.0; 4.x targets Frontend 6.x.
set -euo pipefail

GOVUK_FRONTEND_VERSION="5.14.0"
SASS_VERSION="1.108.2"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
printf '{"name":"voice-app-govuk-build","private":true}\n' > package.json
# --ignore-scripts: sass is plain JavaScript; the only install script is an optional
# file-watcher we do not use.
npm install --silent --no-audit --no-fund --ignore-scripts --save-exact \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

# Only the components the pages use: those whose classes the templates (and the Python that renders
# form fields) name. Parents' pages get a smaller file of their own: they are read on phones over mobile data.
components_in() {
  grep -rhoE 'govuk-[a-z-]+' "$@" | sed -E 's/^govuk-//; s/__.*//; s/--.*//' | sort -u |
    while read -r name; do
      if [ -d "node_modules/govuk-frontend/dist/govuk/components/$name" ]; then echo "$name"; fi
    done
}
imports_for() {
  for name in "$@"; do printf '@import "govuk-frontend/dist/govuk/components/%s/index";\n' "$name"; done
}
# shellcheck disable=SC2046
staff_components=$(imports_for $(components_in "$repo/templates" "$repo/voice_app" "$repo/static/js"))
# shellcheck disable=SC2046
parent_components=$(imports_for $(components_in "$repo/templates/parents" "$repo/templates/components"))

cat > settings.scss <<'SCSS'
// GOV.UK Frontend for voice-app staff and parent pages, without GOV.UK branding.

// No GDS Transport: that typeface is only for GOV.UK services. Ethiopic letters come first from the
// Noto Sans Ethiopic subset that static/css/staff.css declares (scripts/subset_ethiopic_font.py): its
// unicode-range leaves every other letter to the system fonts, and a page downloads it only when it
// shows an Ethiopic letter, so Tigrinya looks the same on every device.
$govuk-font-family: "VA Noto Sans Ethiopic", system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "/static/govuk/assets/";

// Every image or font the Sass asks for comes through these, so the CSS cannot point at a
// file we do not ship. In 5.x the only image is the Royal Arms crest of the footer's Crown
// copyright link: GOV.UK branding, so it is dropped (and its ::before removed below).
@function voice-image-url($filename) {
  @if $filename == "govuk-crest.svg" {
    @return none;
  }
  @error "GOV.UK Frontend wants image '#{$filename}': decide whether voice-app may ship it.";
}
@function voice-font-url($filename) {
  @error "GOV.UK Frontend wants font '#{$filename}': GDS Transport must not be shipped.";
}
$govuk-image-url-function: "voice-image-url";
$govuk-font-url-function: "voice-font-url";

@import "govuk-frontend/dist/govuk/base";
@import "govuk-frontend/dist/govuk/core/index";
@import "govuk-frontend/dist/govuk/objects/index";
SCSS

cat > after.scss <<'SCSS'
@import "govuk-frontend/dist/govuk/utilities/index";
@import "govuk-frontend/dist/govuk/overrides/index";

// No crest before the footer copyright link (a council service is not Crown copyright).
.govuk-footer__copyright-logo::before {
  content: none;
}
SCSS

{ cat settings.scss; printf '%s\n' "$staff_components"; cat after.scss; } > voice-govuk.scss
{ cat settings.scss; printf '%s\n' "$parent_components"; cat after.scss; } > voice-govuk-parents.scss

# GOV.UK Frontend 5.x is written with @import; silence Sass's warnings about that.
for name in govuk-frontend govuk-parents; do
  src="voice-govuk.scss"
  if [ "$name" = "govuk-parents" ]; then src="voice-govuk-parents.scss"; fi
  npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
    --quiet-deps --silence-deprecation=import "$src" "$name.min.css"
  if grep -q 'url(' "$name.min.css"; then
    echo "error: the compiled CSS references files:" >&2
    grep -o 'url([^)]*)' "$name.min.css" | sort -u >&2
    exit 1
  fi
done

# The ES module, without its sourceMappingURL comment (we do not ship the map).
src_js="node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js"
sed -e 's@//# sourceMappingURL=[^ ]*$@@' "$src_js" > govuk-frontend.min.js

# Sass starts compressed output that has non-ASCII characters with a UTF-8 byte order mark;
# keep it first, then our banner.
bom=$'\xef\xbb\xbf'
mkdir -p "$out"
for name in govuk-frontend govuk-parents; do
  css_body="$name.min.css"
  if [ "$(head -c 3 "$css_body")" = "$bom" ]; then
    tail -c +4 "$css_body" > body.css
    css_body="body.css"
  fi
  {
    printf '%s' "$bom"
    printf '/*! GOV.UK Frontend %s (MIT, see static/govuk/LICENSE), compiled for voice-app by scripts/build_govuk_css.sh: system font stack, no GOV.UK fonts or images, only the components %s use */\n' \
      "$GOVUK_FRONTEND_VERSION" "$([ "$name" = govuk-parents ] && echo "parents' pages" || echo "the pages")"
    cat "$css_body"
  } > "$out/$name.min.css"
done
cp govuk-frontend.min.js "$out/govuk-frontend.min.js"

for f in "$out/govuk-frontend.min.css" "$out/govuk-parents.min.css" "$out/govuk-frontend.min.js"; do
  printf '%s: %s bytes, %s gzipped\n' "${f#"$repo"/}" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
