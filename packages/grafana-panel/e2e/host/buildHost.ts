/**
 * Builds the host bundle (host.js) into `outDir` with webpack's Node API and copies the static host files
 * next to it. Bounded by `timeoutMs`; rejects with webpack's errors. `mode`: see webpack.host.config.js
 * (the tests build for development, the benchmark for production); each mode has its own cache.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

export async function buildHost(
  outDir: string,
  timeoutMs = 240_000,
  mode: 'development' | 'production' = 'development'
): Promise<{ ms: number }> {
  const t0 = Date.now();
  const webpack = require('webpack') as typeof import('webpack');
  const makeConfig = require('./webpack.host.config.js') as (env: {
    outDir: string;
    cacheDir: string;
    mode: 'development' | 'production';
  }) => import('webpack').Configuration;
  const cacheDir = path.resolve(
    __dirname,
    `../../node_modules/.cache/isoscope-e2e-host${mode === 'production' ? '-production' : ''}`
  );
  const compiler = webpack(makeConfig({ outDir, cacheDir, mode }));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        compiler.run((err, stats) => {
          if (err) {
            reject(err);
          } else if (stats?.hasErrors()) {
            reject(
              new Error(
                `host bundle failed:\n${stats.toString({ all: false, errors: true, errorDetails: true }).slice(0, 8000)}`
              )
            );
          } else {
            resolve();
          }
        });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`host bundle not built within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
  }
  for (const file of ['index.html', 'amdLoader.js']) {
    await fsp.copyFile(path.join(__dirname, file), path.join(outDir, file));
  }
  return { ms: Date.now() - t0 };
}
