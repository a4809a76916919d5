// SPDX-License-Identifier: LGPL-2.1-or-later
// webpack's ProfilingPlugin writes a Chrome trace of the build's plugin
// hooks (B/E on the one thread) and a CPU profile (an instant's args).
const path = require('path');
const webpack = require('webpack');

module.exports = {
  mode: 'production',
  entry: './src/index.js',
  plugins: [new webpack.debug.ProfilingPlugin({ outputPath: path.resolve(__dirname, 'events.json') })],
};
