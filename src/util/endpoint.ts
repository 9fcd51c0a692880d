/** Endpoints as users give them: `host:port` (the seed), `host` (default port) or a full URL. */
export function endpointUrl(endpoint: string, defaultPort: number): string {
  const text = endpoint.trim();
  if (/^https?:\/\//i.test(text)) return text.replace(/\/+$/, '');
  if (/:\d+$/.test(text) || text.startsWith('[')) return `http://${text}`;
  return `http://${text}:${defaultPort}`;
}

/** `base` + `path`, with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
