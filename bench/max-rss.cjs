// Preloaded with `node -r` into a measured process: at exit, writes the process's peak resident
// set size (bytes, all threads) to the file named by BENCH_MAX_RSS_FILE.
'use strict';
const { writeFileSync } = require('node:fs');

const target = process.env.BENCH_MAX_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}
