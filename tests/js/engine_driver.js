// Runs kb/assets/engine/engine.js over an answer index folder for
// tests/test_engine_parity.py. It reads one JSON batch from stdin:
//   {"folder": path, "runs": [{"name", "questions", "limit", "features" (null: all),
//    "pages" (true: the pages index in folder/pages/, with the article index as base),
//    "fresh" (also: every fresh-th question on a new engine, for the files it reads),
//    "timing" (also: answer times, on a new engine for every fresh-th)}],
//    "round3": [numbers], "round_even": [numbers], "lex_range": [[firsts, term]],
//    "spelling_shard": [words], "engine": path of engine.js (by default the source),
//    "browser": true to load the source as a page does}
// and writes {"runs": {name: {"answers", "twice", "files"?, "timing"?}}, "round3",
// "round_even", "lex_range", "spelling_shard"} to stdout. Each run answers its questions
// one after the other on one engine, as a page does. Files are read as the scripts they
// are: `kbIndex(<name>,<data>);`, the wrapper stripped here.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");
const SOURCE = path.join(__dirname, "..", "..", "kb", "assets", "engine", "engine.js");
let engine = null;  // the module: the batch's "engine" (a minified copy) or the source
let Engine = null;

/** The data of an index file: its content is `kbIndex(<JSON name>,<JSON data>);\n`. */
function unwrap(text, name) {
  const head = "kbIndex(" + JSON.stringify(name) + ",";
  if (!text.startsWith(head) || !text.endsWith(");\n")) {
    throw new Error(name + ": not a kb answer index file");
  }
  return JSON.parse(text.slice(head.length, -3));
}

function folderLoader(folder, counts) {
  return (name) => {
    counts.set(name, (counts.get(name) || 0) + 1);
    return fs.promises.readFile(path.join(folder, ...(name + ".js").split("/")), "utf8").then(
      (text) => unwrap(text, name),
      (error) => {
        if (error.code === "ENOENT") return null;
        throw error;
      });
  };
}

function options(run) {
  return run.features === null || run.features === undefined ? {} : {features: run.features};
}

/** The engine a run asks: over the article index, or over the pages index with an
 * engine of the article index as its base. */
function engineFor(run, load) {
  if (!run.pages) return new Engine(load, options(run));
  const base = new Engine(load, options(run));
  return new Engine((name) => load("pages/" + name), Object.assign({base: base}, options(run)));
}

function shown(answer) {
  return {
    hits: answer.hits.map((h) => [h.slug, h.score, h.coverage, h.title, h.summary, h.src_uri,
                                  h.policy, h.url, h.kind]),
    answers: answer.answers.map((h) => h.slug),
    good: answer.good,
    declined: answer.declined,
    suggestion: answer.suggestion,
    unknown: answer.unknown,
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
}

function summary(times) {
  const sorted = times.slice().sort((a, b) => a - b);
  return {p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95),
          max: sorted[sorted.length - 1], n: sorted.length};
}

async function milliseconds(call) {
  const started = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timing(folder, run) {
  // Every file in memory, as strings: the time is the engine's, not the disk's.
  const texts = new Map();
  const counts = new Map();
  const disk = folderLoader(folder, counts);
  const memory = async (name) => {
    if (!texts.has(name)) texts.set(name, await disk(name));
    return texts.get(name);
  };
  const warm = engineFor(run, memory);
  for (const q of run.questions) await warm.ask(q, {limit: run.limit});  // the JIT warms up
  const again = [];
  for (const q of run.questions) again.push(await milliseconds(() => warm.ask(q, {limit: run.limit})));
  const first = [];
  for (const q of run.questions.filter((_, i) => i % (run.fresh || 1) === 0)) {
    const engine = engineFor(run, memory);
    first.push(await milliseconds(() => engine.ask(q, {limit: run.limit})));
  }
  return {warm: summary(again), first: summary(first)};
}

// engine.js as a page runs it: after analysis.js, in a context without `module`.
function browserEngine() {
  const context = vm.createContext({});
  for (const name of ["analysis.js", "engine.js"]) {
    vm.runInContext(fs.readFileSync(path.join(path.dirname(SOURCE), name), "utf8"), context);
  }
  return vm.runInContext("globalThis.kbEngine.Engine", context);
}

async function main(batch) {
  engine = require(batch.engine || SOURCE);
  Engine = batch.browser ? browserEngine() : engine.Engine;
  const out = {runs: {}};
  if (batch.round3) out.round3 = batch.round3.map(engine.round3);
  if (batch.round_even) out.round_even = batch.round_even.map(engine.roundEven);
  if (batch.lex_range) out.lex_range = batch.lex_range.map(([firsts, term]) => engine.lexRange(firsts, term));
  if (batch.spelling_shard) out.spelling_shard = batch.spelling_shard.map(engine.spellingShard);
  for (const run of batch.runs || []) {
    const counts = new Map();
    const shared = engineFor(run, folderLoader(batch.folder, counts));
    const answers = [];
    for (const q of run.questions) answers.push(shown(await shared.ask(q, {limit: run.limit})));
    const result = {answers, twice: [...counts].filter(([, n]) => n > 1).map(([name]) => name)};
    if (run.fresh) {
      result.files = [];
      for (const q of run.questions.filter((_, i) => i % run.fresh === 0)) {
        const own = new Map();
        const fresh = engineFor(run, folderLoader(batch.folder, own));
        await fresh.ask(q, {limit: run.limit});
        result.files.push([...own.keys()].sort());
        if ([...own.values()].some((n) => n > 1)) result.twice.push(q);
      }
    }
    if (run.timing) result.timing = await timing(batch.folder, run);
    out.runs[run.name] = result;
  }
  return out;
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  main(JSON.parse(Buffer.concat(chunks).toString("utf8"))).then((out) => {
    process.stdout.write(JSON.stringify(out));
  }, (error) => {
    process.stderr.write(String(error && error.stack || error) + "\n");
    process.exitCode = 1;
  });
});
