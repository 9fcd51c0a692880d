/**
 * hpcbench's shared, deliberately simple tokenizer. The simulated service counts prompt tokens with it and
 * the load generator uses it for client-side estimates, so both sides agree on counts.
 *
 * Rule: a token is either a maximal run of word characters (ASCII letters, digits, `_`, and any non-ASCII
 * character) or one single other non-whitespace character (punctuation, symbols). Whitespace separates
 * tokens and is never a token. So `"Hello, world!"` is 4 tokens: `Hello` `,` `world` `!`.
 *
 * `generateText(n)` returns text of exactly n tokens (space-separated words from a fixed vocabulary), so
 * `countTokens(generateText(n)) === n`; `tokenText(i, k)` is the k-th piece of such a text as a stream chunk.
 * Counting is one pass over char codes with no allocation.
 */

/** The fixed vocabulary used for generated text (all plain ASCII words, one token each). */
export const VOCABULARY: readonly string[] = Object.freeze(
  (
    'the of and to in is that for it as was with be by on not he this are or his from at which but have an ' +
    'they you were her she there one all we their been has when who will more no if out so said what up its ' +
    'about into than them can only other new some could time these two may then do first any my now such ' +
    'like our over man me even most made after also did many before must through back years where much your ' +
    'way well down should because each just those people how too little state good very make world still own ' +
    'see men work long get here between both life being under never day same another know while last might ' +
    'us great old year off come since against go came right used take three'
  ).split(' '),
);

function isWordCode(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c > 127 // non-ASCII: part of a word
  );
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a);
}

/** Number of tokens in `text` (see the rule above). */
export function countTokens(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // a lowercase letter, the most common, first: no whitespace test for it
    if (c >= 97 && c <= 122) {
      if (!inWord) {
        n++;
        inWord = true;
      }
    } else if (isSpaceCode(c)) {
      inWord = false;
    } else if (isWordCode(c)) {
      if (!inWord) {
        n++;
        inWord = true;
      }
    } else {
      n++;
      inWord = false;
    }
  }
  return n;
}

const SPACED: readonly string[] = VOCABULARY.map((w) => ` ${w}`);
const wordIndex = (stream: number, k: number): number =>
  (stream * 31 + k * 7 + Math.floor((k * k) / 8)) % VOCABULARY.length;

/** The word for token `k` of generated text number `stream` (deterministic). */
export function tokenWord(stream: number, k: number): string {
  return VOCABULARY[wordIndex(stream, k)];
}

/** Token `k` of a generated text as a stream chunk: the word, with a leading space after the first one. */
export function tokenText(stream: number, k: number): string {
  return k === 0 ? VOCABULARY[wordIndex(stream, 0)] : SPACED[wordIndex(stream, k)];
}

/** Text of exactly `n` tokens; `stream` picks a different (still deterministic) word sequence. */
export function generateText(n: number, stream = 0): string {
  const parts: string[] = new Array(Math.max(0, n));
  for (let k = 0; k < n; k++) parts[k] = tokenWord(stream, k);
  return parts.join(' ');
}

/**
 * Keys of the prompt's full blocks of `blockSize` tokens, for a prefix cache: key i identifies tokens
 * 0 .. (i+1)·blockSize − 1 (each key chains everything before it, as vLLM's block hashes do), so two
 * prompts share key i exactly when they share their first i+1 blocks (up to a 53-bit hash collision).
 * `parts` are read as one token sequence with a boundary between parts (chat messages: role, content).
 * A trailing partial block has no key. Tokens as countTokens counts them.
 */
export function blockKeys(parts: readonly string[], blockSize: number): number[] {
  const keys: number[] = [];
  // two 32-bit FNV-1a style hashes with different primes; a token ends with a separator mixed in
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let inBlock = 0;
  const endToken = (): void => {
    a = Math.imul(a ^ 0x1f, 0x01000193) >>> 0;
    b = Math.imul(b ^ 0x1f, 0x5bd1e995) >>> 0;
    if (++inBlock === blockSize) {
      keys.push((a & 0x1fffff) * 4294967296 + b);
      inBlock = 0;
    }
  };
  for (const text of parts) {
    let inWord = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isSpaceCode(c)) {
        if (inWord) endToken();
        inWord = false;
        continue;
      }
      const word = isWordCode(c);
      if (inWord && !word) endToken();
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
      if (word) inWord = true;
      else {
        endToken();
        inWord = false;
      }
    }
    if (inWord) endToken();
    // the boundary between parts: mixed in without counting as a token
    a = Math.imul(a ^ 0x1e, 0x01000193) >>> 0;
    b = Math.imul(b ^ 0x1e, 0x5bd1e995) >>> 0;
  }
  return keys;
}
