/**
 * `loadPrompts(spec)`: the prompt set of a workload. Default: synthetic, 128 input and `max_tokens` (128)
 * output tokens; `shared_prefix`: groups of prompts sharing an exact prefix (shared-prefix.ts); `trace`:
 * a trace file's requests, prompts synthesised to its lengths (trace.ts). File sources read local files only. max_tokens per prompt: `prompts.output_tokens` when
 * given, else what the file gives (JSONL `max_tokens`, ShareGPT reply length), else `max_tokens`, else 128.
 */

import type { LengthSpec, WorkloadSpec } from '../../contracts/index.js';
import { deriveSeed, mulberry32 } from '../../util/rng.js';
import { countTokens } from '../../util/tokenizer.js';
import { loadHellaswagRows } from './hellaswag.js';
import { loadJsonlRows } from './jsonl.js';
import { sampleLength, validateLength } from './lengths.js';
import { sharedPrefixPrompts } from './shared-prefix.js';
import { loadSharegptConversations, loadSharegptRows } from './sharegpt.js';
import { syntheticPrompts } from './synthetic.js';
import { loadTraceRows, tracePrompts } from './trace.js';
import type { Conversation, ConversationSet, Prompt, PromptSet, Row } from './types.js';

export { loadHellaswagRows } from './hellaswag.js';
export { loadJsonlRows } from './jsonl.js';
export { sampleLength, validateLength } from './lengths.js';
export { sharedPrefixPrompts } from './shared-prefix.js';
export { loadSharegptConversations, loadSharegptRows, type SharegptConversation } from './sharegpt.js';
export { syntheticPrompts } from './synthetic.js';
export { loadTraceRows, type TracePromptSet, type TraceRow, tracePrompt, tracePrompts } from './trace.js';
export type { Conversation, ConversationSet, Prompt, PromptSet, Row } from './types.js';

export const DEFAULT_TOKENS = 128;

export function loadPrompts(spec: WorkloadSpec): PromptSet {
  const src = spec.prompts ?? {
    source: 'synthetic',
    input_tokens: DEFAULT_TOKENS,
    output_tokens: spec.max_tokens ?? DEFAULT_TOKENS,
  };
  const seed = deriveSeed(spec.seed ?? 0, 7);
  if (src.source === 'synthetic') {
    validateLength(src.input_tokens, 'workload.prompts.input_tokens');
    validateLength(src.output_tokens, 'workload.prompts.output_tokens');
    return syntheticPrompts(src.input_tokens, src.output_tokens, seed, spec.executor_index ?? 0);
  }
  if (src.source === 'shared_prefix') {
    validateLength(src.suffix_len, 'workload.shared_prefix.suffix_len');
    validateLength(src.output_tokens, 'workload.prompts.output_tokens');
    return sharedPrefixPrompts(src, src.output_tokens, seed);
  }
  if (src.source === 'trace')
    return tracePrompts(loadTraceRows(src.path, src.format), src.block_tokens, seed);
  if (src.output_tokens !== undefined) validateLength(src.output_tokens, 'workload.prompts.output_tokens');
  const rows: Row[] =
    src.source === 'hellaswag'
      ? loadHellaswagRows(src.path)
      : src.source === 'sharegpt'
        ? loadSharegptRows(src.path)
        : loadJsonlRows(src.path);
  const toPrompt = rowPrompt(spec, src.output_tokens, seed);
  const prompts: Prompt[] = rows.map(toPrompt);
  return { size: prompts.length, get: (i) => prompts[i % prompts.length] };
}

/** A file row as a prompt: max_tokens drawn from `output_tokens` when given, else the row's, else the default. */
function rowPrompt(spec: WorkloadSpec, output: LengthSpec | undefined, seed: number): (r: Row) => Prompt {
  const rng = mulberry32(seed);
  const fallback = spec.max_tokens ?? DEFAULT_TOKENS;
  return (r) => ({
    prompt: r.prompt,
    maxTokens: output !== undefined ? sampleLength(output, rng) : (r.maxTokens ?? fallback),
    promptTokens: countTokens(r.prompt) + (r.system === undefined ? 0 : countTokens(r.system)),
    // set on every prompt of a file (undefined when it has none): one object shape per prompt set
    system: r.system,
  });
}

/**
 * The conversations multi-turn sessions replay: a ShareGPT dataset's (every human turn of each, in order),
 * or undefined for any other prompt source (its sessions draw each turn from the prompt set).
 */
export function loadConversations(spec: WorkloadSpec): ConversationSet | undefined {
  const src = spec.prompts;
  if (src?.source !== 'sharegpt') return undefined;
  const toPrompt = rowPrompt(spec, src.output_tokens, deriveSeed(spec.seed ?? 0, 7));
  const convs: Conversation[] = loadSharegptConversations(src.path).map((c) => ({
    system: c.system,
    systemTokens: c.system === undefined ? 0 : countTokens(c.system),
    turns: c.turns.map(toPrompt),
  }));
  return { size: convs.length, get: (i) => convs[i % convs.length] };
}
