/**
 * Thrown by single-value parsers. The file reader's error policy (files/reader.ts) catches it, skips that
 * one value and counts a read error, so the message must say what was expected and show what was found.
 */
export class ParseError extends Error {
  constructor(expected: string, found: string) {
    super(`expected ${expected}, found ${excerpt(found)}`);
    this.name = 'ParseError';
  }
}

const EXCERPT_MAX = 40;

/** JSON-quoted so that empty input, stray newlines and tabs are visible in logs. */
export function excerpt(text: string): string {
  const cut = text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX)}…` : text;
  return JSON.stringify(cut);
}
