import { MEDICALGPT_TEMPLATE_SPECS } from './medicalgpt-templates.js';

/** The README's template table, generated from the data (readme.test.ts keeps the two equal). */
export function templateTable(): string {
  const cell = (s: string) => {
    const json = JSON.stringify(s);
    return '`' + (json.length > 70 ? json.slice(0, 60) + '…' : json).replaceAll('|', '\\|') + '`';
  };
  const rows = MEDICALGPT_TEMPLATE_SPECS.map(
    (t, i) =>
      `| ${i + 1} | \`${t.name}\` | ${t.description} | ${cell(t.systemPrompt)} | ${cell(t.prompt)} | ${cell(t.sep)} | ${cell(t.stopStr ?? '</s>')} |`,
  );
  return [
    '| # | name | for | system_prompt | prompt | sep | stop_str |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
