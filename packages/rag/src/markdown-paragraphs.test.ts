import { describe, expect, it } from 'vitest';
import { markdownParagraphs, stripInline } from './markdown-paragraphs.js';

describe('stripInline', () => {
  it('drops heading markers, emphasis and link targets', () => {
    expect(stripInline('## 高血压 ##')).toBe('高血压');
    expect(stripInline('**注意**：*不要* 自行 __停药__ 或 _减量_')).toBe('注意：不要 自行 停药 或 减量');
    expect(stripInline('见 [指南](https://example.org/a_b) 与 ![图](x.png)')).toBe('见 指南 与 图');
  });

  it('leaves snake_case words and lone asterisks alone', () => {
    expect(stripInline('max_len and snake_case_name')).toBe('max_len and snake_case_name');
    expect(stripInline('* item')).toBe('* item');
    expect(stripInline('2 * 3')).toBe('2 * 3');
  });
});

describe('markdownParagraphs', () => {
  it('splits on blank lines and keeps each paragraph’s first line number', () => {
    const md = ['# 糖尿病', '', '血糖 **升高**，', '多饮多尿。', '', '', '见 [说明](u)'].join('\n');
    expect(markdownParagraphs(md)).toEqual([
      { line: 1, text: '糖尿病' },
      { line: 3, text: '血糖 升高，\n多饮多尿。' },
      { line: 7, text: '见 说明' },
    ]);
  });

  it('keeps a fenced code block verbatim as one paragraph, blank lines included', () => {
    const md = ['intro', '```ts', 'const a_b = *p;', '', 'f(a_b);', '```', 'after'].join('\n');
    expect(markdownParagraphs(md)).toEqual([
      { line: 1, text: 'intro' },
      { line: 3, text: 'const a_b = *p;\n\nf(a_b);' },
      { line: 7, text: 'after' },
    ]);
  });
});
