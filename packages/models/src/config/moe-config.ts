/**
 * How a mixture-of-experts decoder (Mixtral, Qwen3-MoE) routes and names its experts, read from
 * config.json. Dense decoders have none.
 */
export interface MoeConfig {
  /** Experts per sparse layer (`num_local_experts`, or `num_experts`). */
  numExperts: number;
  /** Experts each token is sent to (`num_experts_per_tok`), at most numExperts. */
  numExpertsPerTok: number;
  /** Width of each expert's SwiGLU MLP (Mixtral: `intermediate_size`; Qwen3-MoE: `moe_intermediate_size`). */
  expertIntermediateSize: number;
  /**
   * Whether the top-k routing weights are divided by their sum: always for Mixtral (its softmax over
   * the chosen logits is the same thing), `norm_topk_prob` for Qwen3-MoE.
   */
  normTopkProb: boolean;
  /**
   * Per layer: a sparse MoE block (true) or a dense SwiGLU MLP of `intermediate_size` (false; Qwen3-MoE's
   * `mlp_only_layers` and `decoder_sparse_step`).
   */
  sparseLayers: boolean[];
  /** Weight of the load-balancing loss in training (`router_aux_loss_coef`). */
  routerAuxLossCoef: number;
  /** Whether training adds the load-balancing loss (`output_router_logits`). */
  outputRouterLogits: boolean;
  /**
   * The per-expert parameter names (the layout transformers saves): Mixtral's
   * `block_sparse_moe.{gate, experts.<e>.w1 | w3 | w2}` or Qwen's `mlp.{gate, experts.<e>.gate_proj |
   * up_proj | down_proj}`.
   */
  expertNames: 'mixtral' | 'qwen';
}
