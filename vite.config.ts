import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META, DEV_HEADERS, SECURITY_HEADERS } from './csp.config';

/**
 * Puts the CSP meta tag into the built index.html, for hosts that send no headers. The header itself (which also
 * covers the worker script) comes from csp.config.ts: `server.headers` / `preview.headers` below.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'candlecast-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [
    contentSecurityPolicy(),
    svelte(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        name: 'candlecast',
        short_name: 'candlecast',
        description: 'Live candles, candlestick patterns and calibrated price predictions, all in your browser.',
        theme_color: '#0f172a',
        background_color: '#0f172a',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell, the worker, the wasm runtimes and every shipped model file are precached.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest,wasm,json,bin,onnx}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: '/index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { headers: { ...DEV_HEADERS } },
  preview: { headers: { ...SECURITY_HEADERS } },
});
