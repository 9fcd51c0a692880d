/** A prompt ready to send: text, max_tokens and the client-side token estimate of the text. */
export interface Prompt {
  prompt: string;
  maxTokens: number;
  promptTokens: number;
}

/** A finite, indexable list of prompts; the load generator cycles through it. */
export interface PromptSet {
  readonly size: number;
  get(i: number): Prompt;
}

/** A row read from a dataset file before max_tokens is resolved. */
export interface Row {
  prompt: string;
  /** max_tokens the file gives (JSONL `max_tokens`, ShareGPT reply length). */
  maxTokens?: number;
}

/** Conversations of a dataset (ShareGPT), each a list of user turns: what multi-turn sessions replay. */
export interface ConversationSet {
  readonly size: number;
  get(i: number): readonly Prompt[];
}
