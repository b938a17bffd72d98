import type { ConfigReader } from '../../config/config-reader.js';

/**
 * Gemma 2/3's MLP activation, `hidden_activation` (default gelu_pytorch_tanh). Their classes never read
 * `hidden_act`, which Hub configs still carry, so it is accepted whatever it says.
 */
export function readGemmaActivation(r: ConfigReader): 'gelu_pytorch_tanh' {
  r.accept('hidden_act');
  const act = r.string('hidden_activation', 'gelu_pytorch_tanh');
  if (act !== 'gelu_pytorch_tanh')
    r.fail('hidden_activation', `is '${act}'; Gemma 2/3 are supported with 'gelu_pytorch_tanh' (GeGLU)`);
  return act;
}
