import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { fileURLToPath } from 'node:url';
import { precompress } from './precompress.ts';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const target = process.env.TESSERA_DEV_API ?? 'http://localhost:8080';

// The engineers' console. `npm run build:client` writes client/dist, which the server serves at `/`.
export default defineConfig({
  root: clientDir,
  plugins: [solid(), precompress()],
  build: {
    outDir: `${clientDir}dist`,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      // Two pages: the console (index.html) and the customer portal (portal.html, served at /portal).
      input: { index: `${clientDir}index.html`, portal: `${clientDir}portal.html` },
    },
  },
  server: {
    // The client imports the shared wire types from server/protocol.
    fs: { allow: [repoDir] },
    proxy: {
      '/api': { target, changeOrigin: false },
      '/ws': { target, ws: true, changeOrigin: false },
    },
  },
});
