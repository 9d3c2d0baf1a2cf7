#!/usr/bin/env bash
# Rebuilds the vendored GOV.UK Frontend in mast_intake/web/static/govuk/ from the npm registry.
#
# Run by hand when moving to a new release (then commit the result); `make run` and `make test`
# use the committed files and need no npm. The Sass is compiled with Arial instead of the
# "GDS Transport" font, which is licensed for GOV.UK domains only, so no font files are shipped,
# and a page width of 1180px (the agenda table and meeting mode need the room).
set -euo pipefail
GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/mast_intake/web/static/govuk"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null
cat > console.scss <<'SCSS'
@use "node_modules/govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/govuk/assets/",
  $govuk-page-width: 1180px
);
SCSS
npx sass --no-source-map --style=compressed --quiet-deps console.scss govuk-frontend.min.css

rm -rf "$OUT"
mkdir -p "$OUT/assets/images"
cp govuk-frontend.min.css "$OUT/"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/"
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico \
   node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg "$OUT/assets/images/"
# The npm package carries no licence file; its README states MIT, Crown copyright.
cat > "$OUT/LICENSE.txt" <<'LICENCE'
GOV.UK Frontend (https://www.npmjs.com/package/govuk-frontend), MIT License

Copyright (c) Crown copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE
printf 'govuk-frontend %s (MIT), compiled with sass %s by scripts/build_govuk_frontend.sh\n' \
  "$GOVUK_FRONTEND_VERSION" "$SASS_VERSION" > "$OUT/VERSION"
echo "GOV.UK Frontend $GOVUK_FRONTEND_VERSION written to $OUT"
