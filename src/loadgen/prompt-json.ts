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
