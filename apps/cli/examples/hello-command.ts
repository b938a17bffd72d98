import { defineCommand, EXIT_OK } from '@medgpt/cli';

export const helloCommand = defineCommand({
  name: 'hello',
  summary: 'say hello',
  options: {
    model_name_or_path: { type: 'string', required: true, description: 'the model directory' },
    max_new_tokens: { type: 'integer', default: 64, description: 'tokens to generate' },
  },
  async run(options, { io }) {
    io.stdout(`${options.model_name_or_path} ${options.max_new_tokens}\n`); // options are typed
    return EXIT_OK;
  },
});
