// The reference of the NDJSON validation figure: ajv 8 in-process, with
// ajv-formats (draft-07 asserts formats, as the server does), parsing and
// validating each row of an NDJSON file. Prints rows/s and how many rows
// were invalid.
//
//   node ajv.js ../../schemas/ticks_v1.json rows.ndjson
const fs = require("fs");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
for (const k of ["id", "version", "schema", "compatibility", "arrow"]) delete schema[k];
const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const lines = fs.readFileSync(process.argv[3], "utf8").split("\n").filter((l) => l !== "");

function run() {
  let invalid = 0;
  for (const l of lines) {
    if (!validate(JSON.parse(l))) invalid++;
  }
  return invalid;
}
run(); // warm the JIT
const start = process.hrtime.bigint();
const invalid = run();
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${Math.round(lines.length / secs)} rows/s ${invalid} invalid of ${lines.length}`);
