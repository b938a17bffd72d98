// Answers often dress words or units in LaTeX text commands (\text{ dollars}, \mathrm{cm}); the words
// matter to a comparison, the commands do not.

const TEXT_WRAPPER = /\\(?:text|textrm|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}/g;

/** `text` with every \text{...}-like wrapper replaced by its content, nested ones included. */
export function unwrapLatexText(text: string): string {
  let s = text;
  // Each pass unwraps the innermost level, whose content holds no braces.
  for (let next = s.replace(TEXT_WRAPPER, '$1'); next !== s; next = s.replace(TEXT_WRAPPER, '$1')) s = next;
  return s;
}
