// Runs kb/assets/engine/analysis.js on a batch read as JSON from stdin and writes the
// results as JSON to stdout, for tests/test_engine_js.py. Each key of the batch is one
// kind of call; the results have the same keys, in the same order.
"use strict";

const path = require("path");
const analysis = require(path.join(__dirname, "..", "..", "kb", "assets", "engine", "analysis.js"));

// A stemmer that raises in Python (IndexError) must throw here too.
function attempt(call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof RangeError) return {error: "IndexError"};
    throw error;
  }
}

// Every code point but surrogates: fold and toLowerCase where they change it, and
// Python's str predicates as bits (space 1, word character 2, digit 4, letter 8).
function characters() {
  const folds = {};
  const lowers = {};
  const flags = [];
  const p = analysis.python;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    const folded = analysis.fold(c);
    if (folded !== c) folds[cp] = folded;
    const lower = c.toLowerCase();
    if (lower !== c) lowers[cp] = lower;
    flags.push(String.fromCharCode(48 + (p.isSpace(c) ? 1 : 0) + (p.isWordChar(c) ? 2 : 0) +
                                   (p.isDigit(c) ? 4 : 0) + (p.isAlpha(c) ? 8 : 0)));
  }
  return {folds, lowers, flags: flags.join("")};
}

function language(spec, jobs) {
  const analyzer = new analysis.Analyzer(spec);
  const out = {};
  const known = new Set(jobs.known || []);
  const calls = {
    words: (text) => analyzer.words(text),
    terms: (text) => analyzer.terms(text),
    meaningful: (list) => analyzer.meaningful(list),
    stem: (word) => attempt(() => analyzer.stem(word)),
    forms: (word) => attempt(() => analyzer.forms(word)),
    compound: (word) => analyzer.compound(word, (term) => known.has(term), jobs.max_lookup),
    matches: (terms) => analyzer.thesaurus.matches(terms),
    alternatives: (phrase) => analyzer.thesaurus.alternatives(phrase),
  };
  for (const name of Object.keys(calls)) {
    if (jobs[name]) out[name] = jobs[name].map(calls[name]);
  }
  return out;
}

function run(batch) {
  const out = {};
  if (batch.characters) out.characters = characters();
  const calls = {
    fold: (text) => analysis.fold(text),
    clean: (text) => analysis.clean(text),
    words: (text) => analysis.words(text),
    within: ([a, b, maxdist]) => analysis.withinDistance(a, b, maxdist),
    deletions: ([word, depth]) => Array.from(analysis.deletionForms(word, depth)),
    ratio: ([a, b]) => analysis.ratio(a, b),
    sort: (list) => list.slice().sort(analysis.compare),
  };
  for (const name of Object.keys(calls)) {
    if (batch[name]) out[name] = batch[name].map(calls[name]);
  }
  if (batch.spellings) {
    const spellings = new analysis.Spellings(batch.spellings.words);
    out.spellings = batch.spellings.queries.map(([w, d, p]) => spellings.within(w, d, p));
  }
  out.languages = {};
  for (const [name, spec] of Object.entries(batch.specs || {})) {
    out.languages[name] = language(spec, batch.languages[name]);
  }
  return out;
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const started = process.hrtime.bigint();
  const out = run(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  out.milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify(out));
});
