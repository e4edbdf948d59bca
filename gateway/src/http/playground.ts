import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/** A file inside an installed package (its `exports` do not list the UMD builds). */
function packageFile(packageName: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), file);
}

/** The GraphiQL assets, served from our own node_modules so the playground works offline. */
const assets: Readonly<Record<string, string>> = {
  'react.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.css': packageFile('graphiql', 'graphiql.min.css'),
};

export const playgroundAssetsPath = '/playground/assets';

/** Routes for the playground's static assets. */
export function playgroundAssets(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(assets)) {
    router.get(`${playgroundAssetsPath}/${name}`, (_request, response) => {
      response.sendFile(file, { maxAge: '1d', immutable: true });
    });
  }
  return router;
}

/**
 * GraphiQL with a field for the access token: the token goes into `Authorization` on HTTP and
 * into `connectionParams.authorization` on the WebSocket, and is kept in the browser's
 * localStorage so a reload keeps it.
 */
export function playgroundPage(graphqlPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>CashTrack GraphQL playground</title>
  <link rel="stylesheet" href="${playgroundAssetsPath}/graphiql.css" />
  <style>
    body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
    #token-bar { display: flex; gap: 8px; align-items: center; padding: 6px 12px; border-bottom: 1px solid #ddd; }
    #token-bar input { flex: 1; font-family: monospace; padding: 4px; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <div id="token-bar">
    <label for="access-token">Access token</label>
    <input id="access-token" placeholder="paste the accessToken from signUp or logIn" autocomplete="off" />
  </div>
  <div id="graphiql">Loading…</div>
  <script src="${playgroundAssetsPath}/react.js"></script>
  <script src="${playgroundAssetsPath}/react-dom.js"></script>
  <script src="${playgroundAssetsPath}/graphiql.js"></script>
  <script>
    const input = document.getElementById('access-token');
    input.value = localStorage.getItem('cashtrack.accessToken') || '';
    const httpUrl = new URL(${JSON.stringify(graphqlPath)}, location.href).href;
    const wsUrl = httpUrl.replace(/^http/, 'ws');
    const root = ReactDOM.createRoot(document.getElementById('graphiql'));
    // A link may carry a query after #query= (a fragment, so it never reaches the server).
    const sharedQuery = new URLSearchParams(location.hash.slice(1)).get('query') || undefined;
    function render() {
      const token = input.value.trim();
      const authorization = token ? 'Bearer ' + token : undefined;
      const fetcher = GraphiQL.createFetcher({
        url: httpUrl,
        subscriptionUrl: wsUrl,
        headers: authorization ? { Authorization: authorization } : {},
        wsConnectionParams: authorization ? { authorization } : {},
      });
      root.render(
        React.createElement(GraphiQL, { fetcher, key: token, defaultQuery: sharedQuery, defaultEditorToolsVisibility: false }),
      );
    }
    input.addEventListener('change', () => {
      localStorage.setItem('cashtrack.accessToken', input.value.trim());
      render();
    });
    render();
  </script>
</body>
</html>`;
}
