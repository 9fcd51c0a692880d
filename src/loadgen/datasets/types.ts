/** A prompt ready to send: text, max_tokens and the client-side token estimate of what is sent. */
export interface Prompt {
  prompt: string;
  maxTokens: number;
  /** Tokens of the prompt's text and of its `system` message, when it has one. */
  promptTokens: number;
  /**
   * A system message sent before the prompt (a ShareGPT conversation's): the chat APIs' first message,
   * Ollama generate's `system` field; completions (no roles) send it before the prompt's text.
   */
  system?: string;
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
  /** The system message of the row's conversation (ShareGPT). */
  system?: string;
}

/** One conversation of a dataset (ShareGPT): its system message and its user turns. */
export interface Conversation {
  /** Sent as the first message of every turn. */
  system?: string;
  /** Tokens of `system` (0 without one). */
  systemTokens: number;
  /** The user turns in order, each prompt's `promptTokens` counting its own text only. */
  turns: readonly Prompt[];
}

/** Conversations of a dataset (ShareGPT): what multi-turn sessions replay. */
export interface ConversationSet {
  readonly size: number;
  get(i: number): Conversation;
}
