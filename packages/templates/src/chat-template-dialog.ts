import { ChatTemplateError, type ChatMessage, type ChatTemplate } from './chat-template.js';
import type { DialogPair } from './conversation-template.js';

/**
 * How prompt segments are cut out of the chat template's output.
 * - `robust` (default): MedicalGPT's slice wherever each rendering extends the previous one;
 *   where a template rewrites history (Qwen3 drops the `<think>` block of earlier answers,
 *   some templates always append an assistant header), the segment starts where the previous
 *   answer and its end-of-turn text end instead.
 * - `medicalgpt`: always `cur[len(prev):]`, byte-identical to Python, including the characters
 *   it cuts from the next question when the template rewrites history.
 */
export type DialogSplit = 'robust' | 'medicalgpt';

export interface ChatTemplateDialogOptions {
  /** Extra template variables (e.g. `{ enable_thinking: false }`); MedicalGPT passes none. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly split?: DialogSplit;
}

// A private-use character appended to an answer to find where the template puts its end.
const SENTINEL = '\uE000';

/**
 * MedicalGPT's SFT view through a jinja chat template (supervised_finetuning.py, no
 * --template_name): `[source0, answer0, source1, answer1, ...]` from incremental renders.
 * source_k is the text the template adds for question k, generation prompt included, after
 * the rendering that ends with answer k-1. Text the template writes after an answer (e.g.
 * `<|im_end|>\n`) belongs to no segment: SFT appends the EOS id there instead.
 */
export function chatTemplateDialog(
  template: ChatTemplate,
  pairs: readonly DialogPair[],
  systemPrompt: string,
  options: ChatTemplateDialogOptions = {},
): string[] {
  const render = (messages: readonly ChatMessage[], addGenerationPrompt: boolean) =>
    template.render(messages, { addGenerationPrompt, kwargs: options.kwargs });
  const history: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  const segments: string[] = [];
  let prev = '';
  for (const [query, answer] of pairs) {
    const prevHistory = [...history];
    history.push({ role: 'user', content: query });
    const cur = render(history, true);
    const start =
      cur.startsWith(prev) || options.split === 'medicalgpt'
        ? prev.length
        : endOfPreviousTurn(render, prevHistory, prev, history, cur);
    segments.push(cur.slice(start), answer);
    history.push({ role: 'assistant', content: answer });
    prev = render(history, false);
  }
  return segments;
}

type Render = (messages: readonly ChatMessage[], addGenerationPrompt: boolean) => string;

/** Where, in `cur`, the previous answer and the end-of-turn text that followed it in `prev` end. */
function endOfPreviousTurn(
  render: Render,
  prevHistory: readonly ChatMessage[],
  prev: string,
  history: readonly ChatMessage[],
  cur: string,
): number {
  const answerIndex = prevHistory.length - 1;
  const endInCur = answerEnd(render, history, answerIndex, true, cur);
  const endInPrev = answerEnd(render, prevHistory, answerIndex, false, prev);
  const trailer = prev.slice(endInPrev);
  return cur.startsWith(trailer, endInCur) ? endInCur + trailer.length : endInCur;
}

/** The index just past message `index`'s content in `text`, found by rendering it with a sentinel. */
function answerEnd(
  render: Render,
  messages: readonly ChatMessage[],
  index: number,
  addGenerationPrompt: boolean,
  text: string,
): number {
  const marked = messages.map((m, i) =>
    i === index ? { ...m, content: `${m.content ?? ''}${SENTINEL}` } : m,
  );
  const markedText = render(marked, addGenerationPrompt);
  if (!markedText.includes(SENTINEL)) {
    throw new ChatTemplateError(
      `Cannot split the chat template's output into turns: it does not render the answer of message ${index} verbatim`,
    );
  }
  let i = 0;
  while (i < text.length && text[i] === markedText[i]) i += 1;
  return i;
}
