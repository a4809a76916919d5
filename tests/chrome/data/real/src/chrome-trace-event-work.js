// SPDX-License-Identifier: LGPL-2.1-or-later
// chrome-trace-event fixture: a streaming Tracer (the way webpack's
// ProfilingPlugin uses it) around concurrent async work on one thread.
// The stream is never flushed, so the array has no closing bracket.
'use strict';
const fs = require('fs');
const fsp = require('fs/promises');
const { Tracer } = require('chrome-trace-event');

const out = process.argv[2];
const trace = new Tracer();
trace.pipe(fs.createWriteStream(out));
const io = trace.child({ cat: ['io'] });
const cpu = trace.child({ cat: ['cpu'] });

function busy(name, n) {
  cpu.begin({ name });
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i);
  cpu.end({ name });
  return s;
}

async function read(name) {
  io.begin({ name, args: { file: __filename } });
  const data = await fsp.readFile(__filename);
  io.end({ name, args: { bytes: data.length } });
  return data.length;
}

async function main() {
  trace.instantEvent({ name: 'start' });
  busy('warm-up', 2e5);
  // Concurrent reads on the one thread: their B/E interleave, not nest.
  await Promise.all([read('read-a'), read('read-b'), read('read-c')]);
  for (let k = 0; k < 3; k++) {
    // An X written on completion, after the B/E inside it, with the
    // library's own clock (whole µs of process.hrtime()).
    const t0 = process.hrtime();
    busy('step', 1e5 * (k + 1));
    const t1 = process.hrtime();
    const us = (t) => t[0] * 1e6 + Math.round(t[1] / 1e3);
    cpu.completeEvent({ name: 'round', ts: us(t0), dur: us(t1) - us(t0) });
    await new Promise((r) => setTimeout(r, 3));
  }
  trace.instantEvent({ name: 'done' });
}

main();
