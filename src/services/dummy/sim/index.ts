/** The simulated inference service (`hpcbench serve dummy`): Ollama + OpenAI/vLLM protocols over a seeded performance model. */
export {
  DUMMY_DEFAULTS,
  DUMMY_FIELDS,
  type DummyConfig,
  type OutputDistribution,
  parseDummyConfig,
  unknownDummyConfigKeys,
} from './config.js';
export { Engine } from './engine.js';
export { DEFAULT_MODEL } from './models.js';
export { type DummyServer, type DummyServerOptions, startDummyServer } from './server.js';
