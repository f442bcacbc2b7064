import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vite';

/** The service the dev server sends API calls to (`npm run console:dev`); default: a local `npm start`. */
const service = process.env.FLAGWIRE_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The service serves the build at /console/ (src/console/console-routes.ts).
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The flag document's types and schema from the one source, not a built copy that may be stale.
    alias: { '@flagwire/core': fileURLToPath(new URL('../packages/core/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's sources carry comments next to `@__PURE__` that Rollup drops with a warning: harmless.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/graphql': { target: service, ws: true, changeOrigin: true },
    },
  },
});
