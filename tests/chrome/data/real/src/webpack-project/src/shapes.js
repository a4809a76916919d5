// SPDX-License-Identifier: LGPL-2.1-or-later
exports.area = function (r) { return Math.PI * r * r; };
