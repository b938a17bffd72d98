import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../test-fixtures.js';
import { parseModelConfig } from './parse-model-config.js';
import { writeModelConfig } from './write-model-config.js';

const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`${fixtureDir(name)}/config.json`, 'utf8')) as Record<string, unknown>;
const parse = (config: Record<string, unknown>) => parseModelConfig(config, 'config.json');

describe('Mixtral config', () => {
  it('reads the routing keys (transformers 5.17 save_pretrained output)', () => {
    const c = parse(raw('mixtral'));
    expect(c.moe).toEqual({
      numExperts: 4,
      numExpertsPerTok: 2,
      expertIntermediateSize: 8,
      normTopkProb: true,
      sparseLayers: [true, true],
      routerAuxLossCoef: 0.02,
      outputRouterLogits: false,
      expertNames: 'mixtral',
    });
    expect([c.className, c.headDim, c.ropeTheta, c.slidingWindows, c.qkNorm]).toEqual([
      'MixtralForCausalLM',
      4,
      1e6,
      [null, null],
      false,
    ]);
  });

  it("applies MixtralConfig's defaults: 8 experts, top-2, coef 0.001, rope_theta 1e6, no window", () => {
    const {
      num_local_experts: _e,
      num_experts_per_tok: _k,
      router_aux_loss_coef: _c,
      sliding_window: _w,
      rope_parameters: _r,
      ...rest
    } = raw('mixtral');
    const c = parse(rest);
    expect([c.moe!.numExperts, c.moe!.numExpertsPerTok, c.moe!.routerAuxLossCoef, c.ropeTheta]).toEqual([
      8, 2, 0.001, 1e6,
    ]);
    expect(parse({ ...raw('mixtral'), sliding_window: 32 }).slidingWindows).toEqual([32, 32]);
  });

  it('takes num_experts for num_local_experts (the attribute_map) and refuses two different counts', () => {
    const { num_local_experts: _e, ...rest } = raw('mixtral');
    expect(parse({ ...rest, num_experts: 6 }).moe!.numExperts).toBe(6);
    expect(() => parse({ ...raw('mixtral'), num_experts: 6 })).toThrow(
      /"num_experts": is 6 but num_local_experts is 4/,
    );
  });

  it('refuses what it cannot reproduce, naming the key and the form expected', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ router_jitter_noise: 0.01 }, /"router_jitter_noise": is 0.01; expected 0/],
      [
        { num_experts_per_tok: 5 },
        /"num_experts_per_tok": is 5; expected at most the number of experts \(4\)/,
      ],
      [{ num_local_experts: 0 }, /"num_local_experts": is 0; expected a positive integer/],
      [{ router_aux_loss_coef: -1 }, /"router_aux_loss_coef": is -1; expected a number >= 0/],
      [{ output_router_logits: 'yes' }, /"output_router_logits": is "yes"; expected true or false/],
    ];
    for (const [change, message] of bad)
      expect(() => parse({ ...raw('mixtral'), ...change })).toThrow(message);
  });
});

describe('Qwen3-MoE config', () => {
  it('reads mlp_only_layers, norm_topk_prob, moe_intermediate_size (transformers 5.17 save_pretrained output)', () => {
    const c = parse(raw('qwen3-moe'));
    expect(c.moe).toMatchObject({
      numExperts: 4,
      numExpertsPerTok: 2,
      expertIntermediateSize: 8,
      normTopkProb: false,
      sparseLayers: [true, false, true],
      expertNames: 'qwen',
    });
    expect([c.className, c.intermediateSize, c.qkNorm, c.headDim]).toEqual([
      'Qwen3MoeForCausalLM',
      32,
      true,
      8,
    ]);
  });

  it('sparse layers by decoder_sparse_step and mlp_only_layers, as Qwen3MoeDecoderLayer decides', () => {
    const config = { ...raw('qwen3-moe'), num_hidden_layers: 6, mlp_only_layers: [5] };
    expect(parse({ ...config, decoder_sparse_step: 2 }).moe!.sparseLayers).toEqual([
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(() => parse({ ...config, mlp_only_layers: [6] })).toThrow(
      /"mlp_only_layers": is \[6\]; expected a list of layer indices in \[0, 6\)/,
    );
  });

  it("applies Qwen3MoeConfig's defaults: 128 experts, top-8, head_dim hidden / heads, no window", () => {
    const {
      num_local_experts: _e,
      num_experts_per_tok: _k,
      moe_intermediate_size: _m,
      norm_topk_prob: _n,
      mlp_only_layers: _o,
      decoder_sparse_step: _s,
      head_dim: _h,
      ...rest
    } = raw('qwen3-moe');
    const c = parse(rest);
    expect([c.moe!.numExperts, c.moe!.numExpertsPerTok, c.moe!.expertIntermediateSize]).toEqual([
      128, 8, 768,
    ]);
    expect([c.moe!.normTopkProb, c.moe!.sparseLayers, c.headDim]).toEqual([false, [true, true, true], 4]);
  });

  it('reads a released config (num_experts, max_window_layers, use_sliding_window)', () => {
    const { num_local_experts: _e, ...rest } = raw('qwen3-moe');
    const c = parse({
      ...rest,
      num_experts: 4,
      max_window_layers: 48,
      use_sliding_window: false,
      sliding_window: null,
    });
    expect([c.moe!.numExperts, c.slidingWindows]).toEqual([4, [null, null, null]]);
    expect(parse({ ...rest, use_sliding_window: true, sliding_window: 16 }).slidingWindows).toEqual([
      16, 16, 16,
    ]);
  });
});

it.each(['mixtral', 'qwen3-moe'])('%s: writeModelConfig -> parseModelConfig keeps every field', (name) => {
  const c = parse(raw(name));
  expect(parse(writeModelConfig(c))).toEqual(c);
  const both = { ...c, moe: { ...c.moe!, outputRouterLogits: true, routerAuxLossCoef: 0.5 } };
  expect(parse(writeModelConfig(both))).toEqual(both);
});
