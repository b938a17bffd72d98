import type { Passage } from './passage.js';

/** What a citation [n] in the prompt refers to. */
export interface CitedSource {
  n: number;
  source: string;
  /** The PDF page, for a passage read from a PDF (cite it as `file p.N`). */
  page?: number;
  line: number;
  text: string;
}

export interface CitedPrompt {
  prompt: string;
  sources: CitedSource[];
}

/** The instruction, Chinese first because the shipped corpus is Chinese. */
export const CITED_PROMPT_INSTRUCTION =
  '请只依据下面的已知内容，专业而简洁地回答问题，并用 [编号] 标明所依据的内容。' +
  '如果已知内容不足以回答，请回答“根据已知信息无法回答该问题”，不要编造。';

/**
 * A prompt that numbers the hits [1], [2], ... in rank order, followed by the question. Lowest-ranked
 * hits are dropped until the prompt fits `maxChars` code points; the question is never cut, so a
 * question that cannot fit even with no passages is an error.
 */
export function buildCitedPrompt(
  question: string,
  hits: readonly { passage: Passage }[],
  { maxChars }: { maxChars: number },
): CitedPrompt {
  const sources = hits.map(({ passage: p }, i) => ({
    n: i + 1,
    source: p.source,
    ...(p.page === undefined ? {} : { page: p.page }),
    line: p.line,
    text: p.text,
  }));
  for (let kept = sources.length; kept >= 0; kept--) {
    const prompt = render(question, sources.slice(0, kept));
    if ([...prompt].length <= maxChars) return { prompt, sources: sources.slice(0, kept) };
  }
  const need = [...render(question, [])].length;
  throw new Error(
    `buildCitedPrompt: maxChars is ${maxChars}, but the instruction and question alone need ${need}`,
  );
}

function render(question: string, sources: readonly CitedSource[]): string {
  const known = sources.map((s) => `[${s.n}] ${s.text}`).join('\n');
  return `${CITED_PROMPT_INSTRUCTION}\n\n已知内容:\n${known}\n\n问题:\n${question}`;
}
