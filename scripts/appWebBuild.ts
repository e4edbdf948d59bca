import { errorMessage, type Logger } from '@cashtrack/platform';
import { ensureWebBuild, webBuildStaleness } from '../app/tools/webBuild.ts';

/**
 * For `npm start`: builds the app's web build (served by the gateway at `/`) when it is missing
 * or older than the app's sources, beside the rest of the start-up rather than before it. Until
 * it is there, `/` says the app is being built. Never fails the start: a failed build is logged.
 * Under Jest (tests that run `npm start` to kill and restart it) nothing is built: the tests that
 * need the app build it themselves, and a build would outlive a start killed by SIGKILL.
 */
export async function buildAppWebIfStale(log: Logger): Promise<void> {
  if (process.env.JEST_WORKER_ID !== undefined) return;
  try {
    const reason = await webBuildStaleness();
    if (reason === undefined) return;
    log.info({ reason }, 'building the app for the web (about a minute); / serves it when done');
    await ensureWebBuild({ quiet: true });
    log.info('the app is built: open http://127.0.0.1:4000/');
  } catch (error) {
    log.error(
      { err: errorMessage(error) },
      'could not build the app for the web (npm run app:build)',
    );
  }
}
