#!/usr/bin/env node
// Prints the slowest test files of a vitest JSON report (`--reporter=json --outputFile.json=FILE`):
//   node .ci/slowest.mjs FILE [N]
// Each file's time runs from its first test's start to its last test's end (imports not included).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, n = '15'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const rows = report.testResults
  .map((t) => ({
    name: relative(process.cwd(), t.name),
    seconds: (t.endTime - t.startTime) / 1000,
    tests: t.assertionResults.length,
    status: t.status,
  }))
  .sort((a, b) => b.seconds - a.seconds);
const total = rows.reduce((s, r) => s + r.seconds, 0);
console.log(`slowest ${Math.min(Number(n), rows.length)} of ${rows.length} test files (sum of all files ${total.toFixed(0)} s):`);
for (const r of rows.slice(0, Number(n)))
  console.log(`  ${r.seconds.toFixed(1).padStart(7)} s  ${String(r.tests).padStart(3)} tests  ${r.status.padEnd(6)}  ${r.name}`);
