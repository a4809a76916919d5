// SPDX-License-Identifier: LGPL-2.1-or-later
// Async work for the Node trace-events fixture: timers, fs reads (promise
// and callback forms), promises, an immediate, and a worker thread doing
// the same, so events come from two threads with their own async ids.
'use strict';
const fs = require('fs');
const fsp = require('fs/promises');
const { Worker, isMainThread, parentPort } = require('worker_threads');

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function reader(path, n) {
  for (let i = 0; i < n; i++) {
    await fsp.readFile(path);
    await sleep(2);
  }
}

async function work(rounds) {
  const self = __filename;
  await Promise.all([reader(self, rounds), reader(self, rounds - 1), sleep(5)]);
  await new Promise((resolve, reject) =>
    fs.readFile(self, (err) => (err ? reject(err) : resolve())));
  await new Promise((resolve) => setImmediate(resolve));
  let sum = 0;
  for (let i = 0; i < 1e5; i++) sum += i;
  return sum;
}

if (isMainThread) {
  const worker = new Worker(__filename);
  const done = new Promise((resolve) => worker.on('exit', resolve));
  work(3).then(() => done).then(() => {});
} else {
  work(2).then((s) => parentPort.postMessage(s));
}
