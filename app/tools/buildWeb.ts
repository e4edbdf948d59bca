/** `npm run app:build`: the app's web build in app/dist, served by the gateway at `/`. */
import { buildWeb, webBuildDir } from './webBuild.ts';

await buildWeb();
process.stdout.write(`app: web build in ${webBuildDir}\n`);
