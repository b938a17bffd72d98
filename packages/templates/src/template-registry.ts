import { ConversationTemplate, type ConversationTemplateSpec } from './conversation-template.js';
import { MEDICALGPT_TEMPLATE_SPECS } from './medicalgpt-templates.js';

const registry = new Map<string, ConversationTemplate>(
  MEDICALGPT_TEMPLATE_SPECS.map((spec) => [spec.name, new ConversationTemplate(spec)]),
);

/** Thrown for a template name that is not registered; the message lists the valid names. */
export class UnknownTemplateError extends Error {
  constructor(
    readonly templateName: string,
    readonly validNames: readonly string[],
  ) {
    super(`Unknown conversation template '${templateName}'. Valid names: ${validNames.join(', ')}.`);
    this.name = 'UnknownTemplateError';
  }
}

/** MedicalGPT's `get_conv_template(name)`: `name` is a `--template_name` value such as `qwen`. */
export function getConversationTemplate(name: string): ConversationTemplate {
  const template = registry.get(name);
  if (!template) throw new UnknownTemplateError(name, listConversationTemplates());
  return template;
}

/** Registered names in registration order (MedicalGPT's 33 first). */
export function listConversationTemplates(): string[] {
  return [...registry.keys()];
}

/**
 * MedicalGPT's `register_conv_template`: adds a template, or replaces one of the same name,
 * for every later `getConversationTemplate` call in this process.
 */
export function registerConversationTemplate(spec: ConversationTemplateSpec): ConversationTemplate {
  const template = new ConversationTemplate(spec);
  registry.set(template.name, template);
  return template;
}

/** Accepts a template or its registered name. */
export function resolveConversationTemplate(template: ConversationTemplate | string): ConversationTemplate {
  return typeof template === 'string' ? getConversationTemplate(template) : template;
}
