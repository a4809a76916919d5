// SPDX-License-Identifier: LGPL-2.1-or-later
const { area } = require('./shapes.js');
console.log([1, 2, 3].map(area));
