// Preloaded with `node -r` into a measured process: at exit, writes the process's peak resident
// set size (bytes) and its CPU time (user + system, ms), both of all threads, to the file named by
// BENCH_MAX_RSS_FILE, as `RSS CPU`.
'use strict';
const { writeFileSync } = require('node:fs');

const target = process.env.BENCH_MAX_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS * 1024} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}`);
  });
}
