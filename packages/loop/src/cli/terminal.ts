/**
 * Make text from data (initiative ids, CSV headers, error messages quoting them) safe to print on a
 * terminal: every C0/C1 control character except newline and tab — including ESC, which starts ANSI
 * sequences that can recolour, move the cursor, retitle the window or hide text — is shown as a visible
 * escape (`\x1b`), so data can never drive the terminal.
 *
 * @example
 * ```ts
 * terminalSafe('rev\x1b[31menue'); // 'rev\\x1b[31menue'
 * ```
 */
export function terminalSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
