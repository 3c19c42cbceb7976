// Writes n ticks_v1 rows, one in 10 invalid, as NDJSON on stdout: the rows
// of the server's BenchmarkValidateNDJSON (server/bench_test.go tickRows).
//
//   node rows.js 500000 > rows.ndjson
const n = Number(process.argv[2] || 500000);
const sides = ["B", "S"];
const out = [];
for (let i = 0; i < n; i++) {
  const us = String(i % 1000000).padStart(6, "0");
  if (i % 10 === 9) {
    out.push(`{"ts":"2026-01-02T15:04:05.${us}Z","symbol":"AAPL","price":-1,"size":${i},"side":"X"}`);
  } else {
    out.push(`{"ts":"2026-01-02T15:04:05.${us}Z","symbol":"AAPL","price":187.${i % 100},"size":${100 + (i % 900)},"side":${JSON.stringify(sides[i % 2])},"exchange":"XNAS"}`);
  }
  if (out.length === 10000) {
    process.stdout.write(out.join("\n") + "\n");
    out.length = 0;
  }
}
if (out.length) process.stdout.write(out.join("\n") + "\n");
