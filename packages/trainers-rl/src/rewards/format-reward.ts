// The R1 format reward: 1 when a completion is exactly `<think>...</think><answer>...</answer>`.
//
// MedicalGPT checks `re.match(r"<think>.*?</think><answer>.*?</answer>$", content)` without re.DOTALL,
// so `.` stops at newlines and any multi-line reasoning or answer scores 0, which is nearly every real
// completion. We let `.` cross newlines (the `s` flag) and keep the rest of its rule: anchored at the
// start (re.match), nothing between </think> and <answer>, nothing after </answer> except that Python's
// `$` also matches before one final "\n", so a single trailing newline is accepted.

const R1_FORMAT = /^<think>.*?<\/think><answer>.*?<\/answer>\n?$/s;

/** 1 when the completion has the R1 think/answer format (multi-line content allowed), else 0. */
export function formatReward(completion: string): number {
  return R1_FORMAT.test(completion) ? 1 : 0;
}
