/**
 * The host bundle for the browser test: e2e/host/host.tsx with the real react, react-dom, @emotion/*,
 * @grafana/{data,ui,runtime}, rxjs, lodash, moment and i18next from node_modules, which it then shares with
 * dist/module.js through the page's AMD loader. Built by e2e/host/buildHost.ts (webpack's Node API).
 */
/**
 * `mode`: 'development' for the tests (React's warnings and readable stacks); 'production' for the
 * benchmark, so React and @grafana/* run their production builds as in Grafana. Not minified: that only
 * costs build time and changes nothing at run time.
 *
 * @param {{ outDir: string, cacheDir: string, mode?: 'development' | 'production' }} env
 */
module.exports = ({ outDir, cacheDir, mode = 'development' }) => ({
  mode,
  optimization: { minimize: false },
  devtool: false,
  target: 'web',
  context: __dirname,
  entry: { host: './host.tsx' },
  output: { path: outDir, filename: '[name].js', publicPath: '/host/', clean: true },
  cache: { type: 'filesystem', cacheDirectory: cacheDir, buildDependencies: { config: [__filename] } },
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'],
  },
  module: {
    rules: [
      {
        test: /\.[tj]sx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              parser: { syntax: 'typescript', tsx: true },
              target: 'es2022',
              transform: { react: { runtime: 'automatic' } },
            },
          },
        },
      },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(png|jpe?g|gif|svg|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
  infrastructureLogging: { level: 'error' },
  stats: 'errors-warnings',
});
