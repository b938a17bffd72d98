// @medgpt/templates: MedicalGPT's conversation templates, jinja chat templates, and the SFT view.

// Named templates (MedicalGPT training/template.py)
export {
  ConversationTemplate,
  type ConversationTemplateSpec,
  type DialogPair,
} from './conversation-template.js';
export { MEDICALGPT_TEMPLATE_SPECS } from './medicalgpt-templates.js';
export {
  getConversationTemplate,
  listConversationTemplates,
  registerConversationTemplate,
  resolveConversationTemplate,
  UnknownTemplateError,
} from './template-registry.js';

// Jinja chat templates (transformers apply_chat_template)
export {
  ChatTemplate,
  ChatTemplateError,
  type ChatMessage,
  type ChatTemplateRenderOptions,
  type ChatToolCall,
  type SpecialTokens,
} from './chat-template.js';
export {
  chatTemplateFromConfig,
  loadChatTemplate,
  specialTokensFromConfig,
  tokenText,
  type ChatTemplateChoice,
  type ConfigToken,
  type TokenizerConfig,
} from './tokenizer-config.js';

// Tool-call formats (MedicalGPT training/tool_utils.py)
export type { FunctionCall, ToolDefinition, ToolFormat, ToolParameter } from './tool-format.js';
export { getToolFormat, TOOL_FORMAT_NAMES } from './tool-format-registry.js';
export { renderFunctionCall, wrapObservation } from './tool-messages.js';

// SFT view (MedicalGPT supervised_finetuning.py preprocess)
export {
  shareGptToPairs,
  type ShareGptConversation,
  type ShareGptPairOptions,
  type ShareGptPairs,
  type ShareGptTurn,
} from './sharegpt-pairs.js';
export {
  chatTemplateDialog,
  type ChatTemplateDialogOptions,
  type DialogSplit,
} from './chat-template-dialog.js';
export { dialogToTurns, sftTurns, type SftFormatOptions, type SftTurn } from './sft-turns.js';
export {
  hasTrainableLabels,
  IGNORE_INDEX,
  tokenizeSftTurns,
  type SftExample,
  type SftTokenizeOptions,
  type SftTokenizer,
} from './tokenize-sft-turns.js';
export { buildSftExample, type BuildSftExampleOptions, type SftExampleResult } from './build-sft-example.js';

// Template / EOS consistency
export {
  checkTemplateEos,
  tokenizerTokensFromConfig,
  type TemplateEosCheckInput,
  type TemplateEosCode,
  type TemplateEosFinding,
  type TokenizerTokens,
} from './check-template-eos.js';
