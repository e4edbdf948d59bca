import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * Offline: every package of the app that the installed Expo SDK pins (its
 * bundledNativeModules.json, what `npx expo install` would choose) is declared with that range and
 * installed at a version in it, so the same app builds for iOS and Android and opens in Expo Go.
 */
const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromApp = createRequire(path.join(appRoot, 'package.json'));

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function parse(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^[~^]/, '')
    .split('-')[0]!
    .split('.')
    .map((part) => Number.parseInt(part, 10));
  return [major, minor, patch];
}

/** The ranges Expo writes: exact ("19.2.3"), tilde ("~57.0.4") or caret ("^2.0.0"). */
export function satisfies(version: string, range: string): boolean {
  const [major, minor, patch] = parse(version);
  const [rMajor, rMinor, rPatch] = parse(range);
  const atLeast =
    major > rMajor ||
    (major === rMajor && (minor > rMinor || (minor === rMinor && patch >= rPatch)));
  if (range.startsWith('~')) return atLeast && major === rMajor && minor === rMinor;
  if (range.startsWith('^')) return atLeast && major === rMajor;
  return version.split('-')[0] === range;
}

describe('the app’s native modules', () => {
  const manifest = readJson<{
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  }>(path.join(appRoot, 'package.json'));
  const expoDir = path.dirname(requireFromApp.resolve('expo/package.json'));
  const bundled = readJson<Record<string, string>>(path.join(expoDir, 'bundledNativeModules.json'));
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  const pinned = Object.keys(declared).filter((name) => bundled[name] !== undefined);

  it('uses the Expo SDK the issue found to run on Node 20', () => {
    expect(readJson<{ version: string }>(path.join(expoDir, 'package.json')).version).toBe(
      '57.0.24',
    );
    expect(pinned).toEqual(
      expect.arrayContaining(['react', 'react-native', 'react-native-web', 'expo-secure-store']),
    );
  });

  it.each(pinned)('%s is declared and installed at the version the SDK lists', (name) => {
    const range = bundled[name]!;
    expect(`${name}@${declared[name]}`).toBe(`${name}@${range}`);
    const installed = readJson<{ version: string }>(
      requireFromApp.resolve(`${name}/package.json`),
    ).version;
    expect(`${name}@${installed} satisfies ${range}: ${satisfies(installed, range)}`).toBe(
      `${name}@${installed} satisfies ${range}: true`,
    );
  });
});
