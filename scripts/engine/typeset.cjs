// Build-time TeX -> CHTML typesetting server for scripts/engine/typeset.py.
//
// Started once per build (lazily) by the Python side; it reads JSON requests, one per
// line on stdin, and answers each with one JSON line on stdout:
//
//   {"op": "base"}                        -> {"ok": true, "base": {"rules": [[s, css]...], "faces": {family: [css, file]}}}
//   {"op": "typeset", "items": [{"tex", "display", "pre"}...]}
//                                         -> {"ok": true, "results": [{"html", "rules", "fonts", "bbox"} | {"error"}...]}
//
// Every formula is typeset on its own (definitions made by one formula do not leak into
// the next; "pre" is TeX run first, e.g. the \newcommand definitions that came earlier on
// the same page), so a formula's result depends only on (tex, display, pre) and this
// file: that is what lets the Python side cache it on disk.
//
// CSS: MathJax's CHTML output only emits the CSS that the typeset math needs (adaptive
// CSS). The "base" rules are the ones every page with math needs; each formula reports
// the further rules it needs (wrapper styles with s = 0, font/character styles with
// s = 1), and the font families (@font-face) its glyphs can be drawn from.
// Font URLs are written as @@FONTS@@/<file>; the Python side substitutes the path.
//
// TeX errors (including undefined macros: the noundefined package is deliberately not
// loaded) are reported per formula as {"error": message}.
'use strict';

const path = require('path');
const readline = require('readline');

const root = process.argv[2] || process.cwd();
const options = JSON.parse(process.argv[3] || '{}');

let pkgDir;
try {
  pkgDir = path.dirname(require.resolve('mathjax-full/package.json', {paths: [root]}));
} catch (err) {
  process.stderr.write(`mathjax-full is not installed under ${root}/node_modules: run \`npm ci\` (or \`make setup\`)\n`);
  process.exit(3);
}
const mj = (p) => require(path.join(pkgDir, 'js', p));

const {mathjax} = mj('mathjax.js');
const {TeX} = mj('input/tex.js');
const {CHTML} = mj('output/chtml.js');
const {liteAdaptor} = mj('adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = mj('handlers/html.js');
const {AssistiveMmlHandler} = mj('a11y/assistive-mml.js');
const {MapHandler} = mj('input/tex/MapHandler.js');
mj('util/entities/all.js');  // the lite parser needs every entity synchronously

// TeX packages. 'noundefined' is NOT loaded: an undefined macro is then a TeX error.
const PACKAGES = {
  base: 'base/BaseConfiguration.js',
  ams: 'ams/AmsConfiguration.js',
  newcommand: 'newcommand/NewcommandConfiguration.js',
  configmacros: 'configmacros/ConfigMacrosConfiguration.js',
  boldsymbol: 'boldsymbol/BoldsymbolConfiguration.js',
  mathtools: 'mathtools/MathtoolsConfiguration.js',
  cases: 'cases/CasesConfiguration.js',
  cancel: 'cancel/CancelConfiguration.js',
  color: 'color/ColorConfiguration.js',
  bbox: 'bbox/BboxConfiguration.js',
  braket: 'braket/BraketConfiguration.js',
  upgreek: 'upgreek/UpgreekConfiguration.js',
};
for (const file of Object.values(PACKAGES)) mj('input/tex/' + file);

// Metrics used for the static output: 16px em, 8px ex, the ~688px Material column.
const EM = 16, EX = 8, CONTAINER = 688;
// Maps that \newcommand, \def, \let, \newenvironment, \DeclareMathOperator write to.
const DEFINITION_MAPS = ['new-Command', 'new-Delimiter', 'new-Environment', 'ams-declare-ops'];

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const tex = new TeX({
  packages: Object.keys(PACKAGES),
  macros: options.macros || {},
  formatError(jax, err) { throw err; },  // no red merror boxes: fail instead
});
const chtml = new CHTML({fontURL: '@@FONTS@@', adaptiveCSS: true});
const html = mathjax.document('', {InputJax: tex, OutputJax: chtml});

function forgetDefinitions() {
  for (const name of DEFINITION_MAPS) {
    const map = MapHandler.getMap(name);
    if (map && map.map instanceof Map) map.map.clear();
  }
  tex.reset();
}

const minify = (rule) => rule.replace(/\n\s*/g, '');

function currentRules() {
  chtml.styleSheet(html);
  return chtml.cssStyles.getStyleRules().map(minify);
}

// ---- the rules every page needs, and the @font-face table ----
chtml.clearCache();
const BASE = currentRules();
const FONT_START = BASE.findIndex((r) => r.startsWith('mjx-c::before'));
const BASE_SET = new Set(BASE);
const FACES = {};          // family -> [rule, file]
const CLASS_FAMILIES = {}; // .TEX-I -> ['MJXZERO', 'MJXTEX-I']
let STRETCHY_FAMILIES = [];
const families = (decl) => decl.replace(/!\s*important/g, '').split(',')
  .map((f) => f.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
for (const rule of BASE) {
  let m;
  if ((m = /^@font-face[^{]*\{font-family: ([^;]+);src: url\("@@FONTS@@\/([^"]+)"\)/.exec(rule))) {
    FACES[m[1].trim()] = [rule, m[2]];
  } else if ((m = /^\.([\w-]+) \{font-family: ([^;]+);\}$/.exec(rule))) {
    CLASS_FAMILIES[m[1]] = families(m[2]);
  } else if ((m = /^mjx-stretchy-v mjx-c[^{]*\{font-family: ([^;]+);\}$/.exec(rule))) {
    STRETCHY_FAMILIES = families(m[1]);
  }
}
if (FONT_START < 0 || !FACES.MJXZERO || !CLASS_FAMILIES['MJX-TEX'] || !STRETCHY_FAMILIES.length) {
  throw new Error('unexpected MathJax stylesheet layout (base rules)');
}
const baseMessage = {
  rules: BASE.filter((r) => !r.startsWith('@font-face')).map((r) => [BASE.indexOf(r) < FONT_START ? 0 : 1, r]),
  faces: FACES,
};

function fontsUsed(markup, rules) {
  const used = new Set(CLASS_FAMILIES['MJX-TEX']);
  for (const m of markup.matchAll(/class="([^"]*)"/g)) {
    for (const cls of m[1].split(/\s+/)) (CLASS_FAMILIES[cls] || []).forEach((f) => used.add(f));
  }
  if (/<mjx-stretchy-[hv]/.test(markup)) STRETCHY_FAMILIES.forEach((f) => used.add(f));
  for (const text of [markup, ...rules]) {
    for (const m of text.matchAll(/font-family: ?([^;"}]+)/g)) families(m[1]).forEach((f) => used.add(f));
  }
  return [...used].filter((f) => f in FACES).sort();
}

function typeset({tex: source, display, pre}) {
  forgetDefinitions();
  try {
    if (pre) html.convert(pre, {display: false, em: EM, ex: EX, containerWidth: CONTAINER});
  } catch (err) {
    return {error: `in earlier definitions on the page: ${err.message}`};
  }
  chtml.clearCache();
  const item = new html.options.MathItem(source, tex, !!display);
  item.start.node = adaptor.body(html.document);
  item.setMetrics(EM, EX, CONTAINER, 1000000, 1);
  try {
    item.convert(html);
  } catch (err) {
    return {error: err.message || String(err)};
  }
  const markup = adaptor.outerHTML(item.typesetRoot);
  const all = currentRules();
  const fontStart = all.indexOf(BASE[FONT_START]);
  const rules = [];
  all.forEach((rule, i) => { if (!BASE_SET.has(rule)) rules.push([i < fontStart ? 0 : 1, rule]); });
  const box = chtml.getBBox(item, html);
  const round = (x) => Math.round(x * 1000) / 1000;
  return {html: markup, rules, fonts: fontsUsed(markup, rules.map((r) => r[1])),
          bbox: [round(box.w), round(box.h), round(box.d)]};
}

function handle(request) {
  if (request.op === 'base') return {ok: true, base: baseMessage};
  if (request.op === 'typeset') return {ok: true, results: request.items.map(typeset)};
  return {ok: false, error: `unknown op ${JSON.stringify(request.op)}`};
}

process.stdout.write(JSON.stringify({ready: true, version: mathjax.version}) + '\n');
const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
lines.on('line', (line) => {
  if (!line.trim()) return;
  let answer;
  try {
    answer = handle(JSON.parse(line));
  } catch (err) {
    answer = {ok: false, error: String(err && err.stack || err)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
lines.on('close', () => process.exit(0));
