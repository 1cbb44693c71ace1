import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Loads the built assets from `${window.__STEMTRACE_BASE__}/assets/...` instead of `./assets/...`.
 *
 * The server answers every deep link (`/stemtrace/tasks/<id>`) with index.html; a relative
 * `./assets/x.js` would then resolve under `/stemtrace/tasks/`. The mount prefix is only known at
 * request time, so the entry tags are replaced by an inline loader that prefixes them. Chunks and
 * CSS-referenced files stay relative to the entry module, which `base: './'` takes care of.
 */
function baseRelativeEntry(): Plugin {
  const tag = /\s*<(script|link)\b([^>]*?)\s(?:src|href)="\.\/(assets\/[^"]+)"([^>]*)>(?:<\/script>)?/g;
  return {
    name: 'stemtrace-base-relative-entry',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const loads: string[] = [];
        const stripped = html.replace(tag, (_all, element: string, before: string, path: string, after: string) => {
          const attrs = `${before} ${after}`;
          if (element === 'script') loads.push(`m(${JSON.stringify(path)})`);
          else if (/rel="stylesheet"/.test(attrs)) loads.unshift(`l("stylesheet",${JSON.stringify(path)})`);
          else if (/rel="modulepreload"/.test(attrs)) loads.push(`l("modulepreload",${JSON.stringify(path)})`);
          else throw new Error(`unexpected asset tag in index.html: <${element}${attrs}>`);
          return '';
        });
        const loader =
          '<script>(function(){var b=window.__STEMTRACE_BASE__||"";if(b.indexOf("__")===0)b="";b=b.replace(/\\/+$/,"");' +
          'var h=document.head;function l(r,p){var e=document.createElement("link");e.rel=r;e.href=b+"/"+p;e.crossOrigin="";h.appendChild(e)}' +
          'function m(p){var e=document.createElement("script");e.type="module";e.src=b+"/"+p;e.crossOrigin="";h.appendChild(e)}' +
          `${loads.join(';')}})();</script>`;
        return stripped.replace(/\s*<\/head>/, `\n    ${loader}\n  </head>`);
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), baseRelativeEntry()],
  // Relative asset URLs: the mount prefix is unknown at build time (see baseRelativeEntry).
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
