export * from './ray-cluster-manager.js';
export * from './ray-commands.js';
export * from './ray-status.js';
