/**
 * The one rule for characters in text people type (display names, expense descriptions, message
 * text): control characters and bidirectional formatting characters are not text. A NUL byte
 * truncates strings in C-based tools and log pipelines; C0/C1 controls can rewrite a terminal or
 * a log line; bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what
 * a reader sees ("Trojan Source"), so a description could display as something it is not.
 *
 * Policy, the same for every field of a kind:
 * - `singleLine` (display names, descriptions): every C0 control (tab and line breaks included,
 *   since a one-line label has no use for them), DEL, every C1 control, U+2028/U+2029 (line and
 *   paragraph separators) and the bidi controls are forbidden.
 * - `multiLine` (message text): the same, except tab, line feed and carriage return, which are
 *   ordinary in a chat message.
 * Text a person typed is refused (they are told which character, and can fix it); text a machine
 * produced (a model's description) is cleaned with `stripForbiddenCharacters`, as there is no one
 * to ask. HTML and everything else stays as typed: clients render text, never markup.
 * Left-to-right / right-to-left marks (U+200E, U+200F) are allowed: they are how right-to-left
 * text is written correctly and cannot reorder anything beyond their own neutral neighbours.
 */

import { CodedError } from '@cashtrack/platform';

export type TextKind = 'singleLine' | 'multiLine';

/** Tab, line feed, carriage return: ordinary in multi-line text. */
function isTextWhitespace(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d;
}

function isForbidden(code: number, kind: TextKind): boolean {
  if (code <= 0x1f) return kind === 'singleLine' || !isTextWhitespace(code);
  return (
    (code >= 0x7f && code <= 0x9f) || // DEL and the C1 controls
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings and overrides
    (code >= 0x2066 && code <= 0x2069) // bidi isolates
  );
}

/** Every forbidden character lies in the BMP, so UTF-16 code units are enough to find one. */
function firstForbiddenIndex(text: string, kind: TextKind): number {
  for (let index = 0; index < text.length; index += 1) {
    if (isForbidden(text.charCodeAt(index), kind)) return index;
  }
  return -1;
}

/** The first forbidden character of `text` as `U+XXXX`, or undefined when the text is clean. */
export function forbiddenCharacterIn(text: string, kind: TextKind): string | undefined {
  const index = firstForbiddenIndex(text, kind);
  if (index < 0) return undefined;
  return `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function isSafeText(text: string, kind: TextKind): boolean {
  return firstForbiddenIndex(text, kind) < 0;
}

/** Characters that separate words, so stripping one leaves a space rather than joining two. */
function separatesWords(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0x2028 || code === 0x2029;
}

/**
 * `text` without its forbidden characters, for text no person can be asked to fix. Whitespace
 * controls become a space (so words stay apart), the others are removed, and runs of spaces this
 * leaves are collapsed for one-line text.
 */
export function stripForbiddenCharacters(text: string, kind: TextKind): string {
  if (firstForbiddenIndex(text, kind) < 0) return text;
  let kept = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (!isForbidden(code, kind)) kept += text[index] ?? '';
    else if (separatesWords(code)) kept += ' ';
  }
  return kind === 'singleLine' ? kept.replace(/ {2,}/g, ' ').trim() : kept;
}

/**
 * The command-edge check: throws `INVALID_CHARACTERS` naming the `field` and the character
 * (`U+202E`), with a message about `label` (e.g. "Display name") a person can act on.
 */
export function refuseUnsafeText(text: string, kind: TextKind, field: string, label: string): void {
  const character = forbiddenCharacterIn(text, kind);
  if (character === undefined) return;
  throw new CodedError(
    'INVALID_CHARACTERS',
    `${label} must not contain control or text-direction characters (${character})`,
    { field, character },
  );
}
