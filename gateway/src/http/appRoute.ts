import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response, type Router } from 'express';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where `npm run app:build` puts the app's web build. */
export const appWebBuildDir = path.join(repoRoot, 'app', 'dist');

/**
 * Headers of the app's page. The access token lives in the page's memory, so scripts are ours
 * only: no inline or foreign script can run, and the page cannot be framed.
 */
function pageHeaders(response: Response): void {
  response.setHeader(
    'content-security-policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      // react-native-web writes its styles into a <style> element at run time.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self' ws: wss:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cache-control', 'no-cache');
}

/**
 * The CashTrack app's web build at `/`, on the same origin as `/graphql`: `index.html` for the
 * page, hashed bundles under `/_expo` cached for a year. Without a build, `/` says how to make one.
 */
export function appRoute(dir: string = process.env.CASHTRACK_APP_DIR ?? appWebBuildDir): Router {
  const router = express.Router();
  router.use(
    '/_expo',
    express.static(path.join(dir, '_expo'), { index: false, immutable: true, maxAge: '365d' }),
  );
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }),
  );
  router.get(['/', '/index.html'], (_request, response) => {
    pageHeaders(response);
    const page = path.join(dir, 'index.html');
    if (existsSync(page)) {
      response.sendFile(page);
      return;
    }
    response
      .status(503)
      .type('html')
      .send(
        '<!doctype html><title>CashTrack</title><p>The app is not built yet: run <code>npm run app:build</code> (or <code>npm start</code>, which builds it) and reload.</p>',
      );
  });
  router.get('/favicon.ico', (_request, response) => {
    const icon = path.join(dir, 'favicon.ico');
    if (existsSync(icon)) response.sendFile(icon);
    else response.status(204).end();
  });
  return router;
}
