/** What a conformance run needs to know about one running server. */
export interface Backend {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The model id the server serves. */
  model: string;
  stop(): Promise<void>;
}

export interface OpenAiBackendInfo {
  /** ServiceFactory name whose server manager should accept this server. */
  service: string;
  /** Prometheus counter of generated tokens in the server's /metrics. */
  generatedTokensMetric: string;
  /** The server always generates exactly max_tokens (true for the random tiny model: it never emits EOS). */
  runsToMaxTokens: boolean;
}
