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

/** One GraphiQL tab: an operation and its variables (JSON text). */
export interface PlaygroundTab {
  readonly query: string;
  readonly variables: string;
}

const variables = (value: Record<string, unknown>): string => JSON.stringify(value, null, 2);

const expenseFields = `id
    amount {
      amount
      currency
    }
    category
    description
    occurredOn`;

/**
 * The flow a newcomer runs, one tab per step, in order: sign up (or log in), log an expense in
 * words, list the expenses, and hear changes live. Checked against the supergraph by
 * gateway/test/playground.unit.test.ts, so a schema change that breaks one fails a test.
 */
export const playgroundTabs: readonly PlaygroundTab[] = [
  {
    query: `# 1. Create an account. Its access token fills the field above by itself,
#    so the next tabs run as you. Already signed up? Use the LogIn tab.
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    accessToken
    refreshToken
    accessTokenExpiresAt
    user {
      id
      email
      displayName
    }
  }
}
`,
    variables: variables({
      input: { email: 'me@example.com', password: 'correct horse battery', displayName: 'Me' },
    }),
  },
  {
    query: `# 1b. Log in to an existing account; the access token fills the field above.
mutation LogIn($input: LogInInput!) {
  logIn(input: $input) {
    accessToken
    refreshToken
    accessTokenExpiresAt
    user {
      id
      displayName
    }
  }
}
`,
    variables: variables({ input: { email: 'me@example.com', password: 'correct horse battery' } }),
  },
  {
    query: `# 2. Say what you spent, in your own words. The answer comes back PENDING at once;
#    the parser turns it into expenses a moment later (see the ExpenseChanged tab).
mutation LogExpense($text: String!) {
  logExpense(text: $text) {
    id
    text
    status
    reason
    expenses {
      ${expenseFields.replaceAll('\n', '\n  ')}
    }
  }
}
`,
    variables: variables({ text: 'Spent $50 on groceries today' }),
  },
  {
    query: `# 3. Your expenses, newest first; pass pageInfo.endCursor as "after" for the next page.
query Expenses($first: Int, $after: String) {
  expenses(first: $first, after: $after) {
    edges {
      cursor
      node {
        ${expenseFields.replaceAll('\n', '\n    ')}
        source
        messageId
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
    variables: variables({ first: 20 }),
  },
  {
    query: `# 4. Hear your changes live over WebSocket: run this, then log an expense in another
#    tab. After a reconnect, pass the last cursor you saw as "after" to miss nothing.
subscription ExpenseChanged($after: String) {
  expenseChanged(after: $after) {
    cursor
    kind
    expenseId
    occurredAt
    expense {
      ${expenseFields.replaceAll('\n', '\n  ')}
      user {
        displayName
      }
    }
    message {
      id
      text
      status
      reason
    }
  }
}
`,
    variables: variables({}),
  },
];

/** JSON that is safe inside a <script> element: no `</script>` or `<!--` can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

/**
 * GraphiQL with a field for the access token, opening on the flow's operations
 * (`playgroundTabs`). The token goes into `Authorization` on HTTP and into
 * `connectionParams.authorization` on the WebSocket, read at each request, and is kept in the
 * browser's localStorage so a reload keeps it; signing up or logging in fills it in.
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
    <input id="access-token" placeholder="filled in by SignUp or LogIn, or paste an accessToken" autocomplete="off" />
  </div>
  <div id="graphiql">Loading…</div>
  <script id="cashtrack-operations" type="application/json">${scriptJson(playgroundTabs)}</script>
  <script src="${playgroundAssetsPath}/react.js"></script>
  <script src="${playgroundAssetsPath}/react-dom.js"></script>
  <script src="${playgroundAssetsPath}/graphiql.js"></script>
  <script>
    const input = document.getElementById('access-token');
    input.value = localStorage.getItem('cashtrack.accessToken') || '';
    input.addEventListener('change', () => {
      localStorage.setItem('cashtrack.accessToken', input.value.trim());
    });
    const authorization = () => (input.value.trim() ? 'Bearer ' + input.value.trim() : undefined);
    // A session in an answer (SignUp, LogIn, refreshSession) becomes the token of what follows.
    function rememberSession(answer) {
      const data = (answer && answer.data) || {};
      const session = data.signUp || data.logIn || data.refreshSession;
      if (session && typeof session.accessToken === 'string') {
        input.value = session.accessToken;
        localStorage.setItem('cashtrack.accessToken', session.accessToken);
      }
    }
    const httpUrl = new URL(${JSON.stringify(graphqlPath)}, location.href).href;
    const fetcher = GraphiQL.createFetcher({
      url: httpUrl,
      subscriptionUrl: httpUrl.replace(/^http/, 'ws'),
      // Read when each subscription connects, so a token set later is used.
      wsConnectionParams: { get authorization() { return authorization(); } },
      fetch: (url, init) => {
        const headers = new Headers(init && init.headers);
        if (authorization()) headers.set('Authorization', authorization());
        return fetch(url, { ...init, headers }).then((response) => {
          if ((response.headers.get('content-type') || '').includes('application/json')) {
            response.clone().json().then(rememberSession, () => undefined);
          }
          return response;
        });
      },
    });
    const flowTabs = JSON.parse(document.getElementById('cashtrack-operations').textContent);
    // A link may carry a query after #query= (a fragment, so it never reaches the server);
    // it opens first, before the flow's tabs.
    const sharedQuery = new URLSearchParams(location.hash.slice(1)).get('query');
    const defaultTabs = sharedQuery ? [{ query: sharedQuery }, ...flowTabs] : flowTabs;
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs,
        defaultEditorToolsVisibility: 'variables',
      }),
    );
  </script>
</body>
</html>`;
}
