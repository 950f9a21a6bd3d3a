// Build the widget: `node build.mjs` writes dist/; `node build.mjs --check` fails when dist/ is
// not what the sources build to, or when a file is over its gzipped size budget.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGETS = { "loader.js": 3 * 1024, "widget.js": 30 * 1024, css: 5 * 1024, "staff.js": 30 * 1024 };
const here = new URL(".", import.meta.url).pathname;
const common = { bundle: true, minify: true, write: false, target: "es2020", legalComments: "none" };

const css = (await build({ ...common, entryPoints: [`${here}src/widget.css`], loader: { ".css": "css" } }))
  .outputFiles[0].text.trim();
const widget = (await build({
  ...common, entryPoints: [`${here}src/widget.ts`], format: "iife", define: { __CSS__: JSON.stringify(css) },
})).outputFiles[0].text;
const loader = (await build({ ...common, entryPoints: [`${here}src/loader.ts`], format: "iife" })).outputFiles[0].text;
// The staff desk: its own script and style sheet, served by the service under /staff.
const staff = (await build({ ...common, entryPoints: [`${here}staff/staff.ts`], format: "iife" })).outputFiles[0].text;
const staffCss = (await build({ ...common, entryPoints: [`${here}staff/staff.css`], loader: { ".css": "css" } }))
  .outputFiles[0].text;
const hash = createHash("sha256").update(widget).digest("hex").slice(0, 12);
const files = {
  "loader.js": loader,
  "widget.js": widget,
  "staff.js": staff,
  "staff.css": staffCss,
  "manifest.json": JSON.stringify({ widget: `widget.${hash}.js`, hash }, null, 1) + "\n",
};
const sizes = {
  "loader.js": gzipSync(loader).length, "widget.js": gzipSync(widget).length, css: gzipSync(css).length,
  "staff.js": gzipSync(staff).length,
};
let failed = false;
for (const [name, size] of Object.entries(sizes)) {
  const over = size > BUDGETS[name];
  failed ||= over;
  console.log(`${name}: ${size} bytes gzipped (budget ${BUDGETS[name]})${over ? " OVER BUDGET" : ""}`);
}
if (process.argv.includes("--check")) {
  for (const [name, text] of Object.entries(files)) {
    let committed = "";
    try { committed = readFileSync(`${here}dist/${name}`, "utf8"); } catch {}
    if (committed !== text) {
      console.error(`dist/${name} is not what src/ builds to: run \`npm run build\` in widget/ and commit dist/.`);
      failed = true;
    }
  }
} else {
  mkdirSync(`${here}dist`, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(`${here}dist/${name}`, text);
}
process.exit(failed ? 1 : 0);
