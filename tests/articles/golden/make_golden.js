// Writes citeproc_golden.json: what citeproc-js makes of csl_items.json in the vendored AMA and
// NLM styles with the vendored en-US locale, each item alone in its bibliography (HTML output).
// Run once after changing the items, the styles, the locale or the citeproc version:
//
//     make node && node tests/articles/golden/make_golden.js
//
// It uses the npm package `citeproc` (package.json), not the copy the application vendors in
// articles/csl/, so that the test compares our engine with citeproc-js as published.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const root = path.resolve(__dirname, "..", "..", "..");
const csl = (name) => fs.readFileSync(path.join(root, "articles", "csl", name), "utf8");
const locale = csl("locales-en-US.xml");
const styles = {
  AMA: csl("american-medical-association.csl"),
  NLM: csl("nlm-citation-sequence.csl"),
};
const items = JSON.parse(fs.readFileSync(path.join(__dirname, "csl_items.json"), "utf8"));

function entry(style, item) {
  const sys = {
    retrieveLocale: () => locale,
    retrieveItem: (id) => (id === item.id ? item : undefined),
  };
  const engine = new CSL.Engine(sys, style, "en-US");
  engine.updateItems([item.id]);
  const [meta, entries] = engine.makeBibliography();
  if (meta.bibliography_errors.length) {
    throw new Error(`${item.id}: ${JSON.stringify(meta.bibliography_errors)}`);
  }
  return entries[0];
}

const golden = {
  generator: `citeproc (npm) ${require("citeproc/package.json").version}`,
  items: items.map((item) => ({
    item,
    AMA: entry(styles.AMA, item),
    NLM: entry(styles.NLM, item),
  })),
};
fs.writeFileSync(
  path.join(__dirname, "citeproc_golden.json"),
  JSON.stringify(golden, null, 1) + "\n",
);
console.log(`${golden.items.length} items written`);
