import { getToolFormat, listConversationTemplates } from '@medgpt/templates';
import { checkOption } from './check-option.js';

/** MedicalGPT's --template_name and --tool_format, as every chat-data stage takes them. */
export interface TemplateOptions {
  /** A MedicalGPT template name (qwen, vicuna ...); null: the tokenizer's chat template. */
  template_name: string | null;
  /** Tool-call format for agent data: default, qwen, glm4, llama3, mistral. */
  tool_format: string | null;
}

/** Checks that the template and the tool format exist (errors list the valid names). */
export function checkTemplateOptions(o: TemplateOptions): void {
  const templates = listConversationTemplates();
  checkOption(
    'template_name',
    o.template_name,
    o.template_name === null || templates.includes(o.template_name),
    `one of ${templates.join(', ')} (or unset for the tokenizer's chat template)`,
  );
  if (o.tool_format === null) return;
  try {
    getToolFormat(o.tool_format);
  } catch (err) {
    checkOption(
      'tool_format',
      o.tool_format,
      false,
      (err as Error).message.replace(/^.*Valid names: /, 'one of ').replace(/\.$/, ''),
    );
  }
}
