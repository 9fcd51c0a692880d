import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (in one process, no children) and `e2e` (tests that start processes: hpcbench's
 * own CLI and children from dist/, llama-server, Slurm, Pushgateway, Prometheus).
 * `npx vitest run --project unit` runs the fast half alone. See docs/ci.md.
 */
const E2E = [
  'test/e2e/**/*.test.ts',
  'test/e2e-llamacpp/**/*.test.ts',
  'test/slurm-cluster/**/*.test.ts',
  'test/conformance/llamacpp.test.ts',
  'test/**/cli.test.ts',
  'test/**/*-cli.test.ts',
  'test/**/cli-*.test.ts',
  'test/controller/integration.test.ts',
  'test/executor/executor-push.test.ts',
  'test/logs/tailer.test.ts',
  'test/monitor/pushgateway.test.ts',
  'test/monitor/dashboards.test.ts',
  'test/monitor/run-monitoring.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
