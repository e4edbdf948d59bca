// Metro in an npm workspace. The repository root keeps React 18 for the GraphQL playground while
// the app needs the React its Expo SDK lists, so `react` and `react-dom` always resolve from the
// app's own node_modules, whoever imports them (react-native-web is hoisted to the root).
const path = require('node:path');
const { getDefaultConfig } = require('expo/metro-config');

const projectRoot = __dirname;
const workspaceRoot = path.resolve(projectRoot, '..');
const config = getDefaultConfig(projectRoot);

config.watchFolders = [workspaceRoot];
config.resolver.nodeModulesPaths = [
  path.join(projectRoot, 'node_modules'),
  path.join(workspaceRoot, 'node_modules'),
];
const appOrigin = path.join(projectRoot, 'index.ts');
const pinnedToApp = /^(react|react-dom)(\/.*)?$/;
config.resolver.resolveRequest = (context, moduleName, platform) =>
  context.resolveRequest(
    pinnedToApp.test(moduleName) ? { ...context, originModulePath: appOrigin } : context,
    moduleName,
    platform,
  );

module.exports = config;
