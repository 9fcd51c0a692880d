/**
 * A prompt's JSON string literal, made once per prompt object rather than once per request (at about
 * 2 ns a character, `JSON.stringify` of a long prompt was the largest part of building a request body).
 * Prompt sets read from files hand out the same objects each time they cycle round: the first request
 * keeps the literal on its object. The synthetic set makes each request's literal from its pool entry's,
 * made once (`withPromptJson`). The literal is kept under symbols with the prompt it was made of: not a
 * field (Object.keys and JSON.stringify do not see it), and a prompt changed since is serialized again.
 */

const JSON_TEXT = Symbol('promptJson');
const JSON_OF = Symbol('promptJsonOf');

interface Kept {
  prompt: string;
  [JSON_TEXT]?: string;
  [JSON_OF]?: string;
}

/** `JSON.stringify(input.prompt)`, kept on `input` for the next time it is sent. */
export function promptJson(input: { prompt: string }): string {
  const k = input as Kept;
  const prompt = k.prompt;
  if (k[JSON_OF] === prompt) return k[JSON_TEXT] as string;
  const json = JSON.stringify(prompt);
  k[JSON_TEXT] = json;
  k[JSON_OF] = prompt;
  return json;
}

/** `p` with `json` as its prompt's literal (the caller vouches that it is `JSON.stringify(p.prompt)`). */
export function withPromptJson<T extends { prompt: string }>(p: T, json: string): T {
  const k = p as T & Kept;
  k[JSON_TEXT] = json;
  k[JSON_OF] = p.prompt;
  return p;
}

const SYSTEM_TEXT = Symbol('systemJson');
const SYSTEM_OF = Symbol('systemJsonOf');
const JOINED_TEXT = Symbol('joinedJson');
const JOINED_PROMPT = Symbol('joinedPrompt');
const JOINED_SYSTEM = Symbol('joinedSystem');

interface KeptSystem {
  prompt: string;
  system?: string;
  [SYSTEM_TEXT]?: string;
  [SYSTEM_OF]?: string;
  [JOINED_TEXT]?: string;
  [JOINED_PROMPT]?: string;
  [JOINED_SYSTEM]?: string;
}

/** `JSON.stringify(input.system)` (a prompt with a system message), kept on `input` as `promptJson` keeps its. */
export function systemJson(input: { system?: string }): string {
  const k = input as KeptSystem;
  const system = k.system as string;
  if (k[SYSTEM_OF] === system) return k[SYSTEM_TEXT] as string;
  const json = JSON.stringify(system);
  k[SYSTEM_TEXT] = json;
  k[SYSTEM_OF] = system;
  return json;
}

/**
 * The text a completion (no roles) sends, as a JSON literal: the prompt, or its system message, a blank
 * line, then the prompt (as a chat template puts the system text first); kept on `input`.
 */
export function completionPromptJson(input: { prompt: string; system?: string }): string {
  const k = input as KeptSystem;
  const system = k.system;
  if (system === undefined) return promptJson(input);
  if (k[JOINED_PROMPT] === k.prompt && k[JOINED_SYSTEM] === system) return k[JOINED_TEXT] as string;
  const json = JSON.stringify(`${system}\n\n${k.prompt}`);
  k[JOINED_TEXT] = json;
  k[JOINED_PROMPT] = k.prompt;
  k[JOINED_SYSTEM] = system;
  return json;
}
