// The answer part of an R1-style completion, as MedicalGPT's extract_answer reads it.

const ANSWER_TAG = /<answer>(.*?)<\/answer>/s;

/**
 * The text inside the first `<answer>...</answer>` (may span lines), trimmed; the whole text trimmed when
 * there is no such tag, so a bare answer still counts.
 */
export function extractAnswer(text: string): string {
  const match = ANSWER_TAG.exec(text);
  return (match ? match[1] : text).trim();
}
