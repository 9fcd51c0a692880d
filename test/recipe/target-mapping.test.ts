/** `target_mapping` shape rules checked at validate time (names are checked against the run at its start). */
import { describe, expect, it } from 'vitest';
import { check, errorsOf, localRecipe } from './helpers.js';

const withMapping = (target_mapping: unknown) =>
  localRecipe(
    {},
    {
      orchestration: {
        mode: 'local',
        node_allocation: {
          servers: { nodes: 2 },
          clients: { nodes: 2, distribution_strategy: 'static', target_mapping },
        },
      },
    },
  );

describe('target_mapping rules', () => {
  it('a well-formed mapping validates', () => {
    const { issues } = check(
      withMapping([
        { client_group: 'client-1', server_endpoints: ['server-2'] },
        { client_group: 'client-2', server_endpoints: ['http://127.0.0.1:8000', 'server-1'] },
      ]),
    );
    expect(errorsOf(issues)).toEqual([]);
  });

  it('an empty server_endpoints list and a repeated client_group are E006 with their field paths', () => {
    const { issues } = check(
      withMapping([
        { client_group: 'client-1', server_endpoints: [] },
        { client_group: 'client-1', server_endpoints: ['server-1'] },
      ]),
    );
    const errors = errorsOf(issues);
    expect(errors.map((i) => i.path)).toEqual([
      'orchestration.node_allocation.clients.target_mapping[0].server_endpoints',
      'orchestration.node_allocation.clients.target_mapping[1].client_group',
    ]);
    expect(errors[0].message).toMatch(/server node names/);
    expect(errors[1].message).toMatch(/already target_mapping\[0\]/);
    expect(errors.every((i) => i.file === 'r.yaml')).toBe(true);
  });

  it('an empty mapping is an error', () => {
    const { issues } = check(withMapping([]));
    expect(errorsOf(issues).map((i) => i.path)).toEqual([
      'orchestration.node_allocation.clients.target_mapping',
    ]);
  });
});
