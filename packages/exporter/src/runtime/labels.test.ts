import { RuntimeLabels, NO_RUNTIME_LABELS } from './labels';

describe('RuntimeLabels', () => {
  const compose = new RuntimeLabels(['com.docker.compose.project', 'com.docker.compose.service']);

  it('keeps only the allow-listed keys, named as cAdvisor names them, values as given', () => {
    expect(
      compose.pick({
        'com.docker.compose.service': 'web "1"',
        'com.docker.compose.project': 'demo',
        'com.docker.compose.config-hash': 'abc',
        'org.opencontainers.image.version': '1.2',
      })
    ).toEqual({
      container_label_com_docker_compose_project: 'demo',
      container_label_com_docker_compose_service: 'web "1"',
    });
  });

  it('has no labels for no match, empty values, values that are not strings and answers that are no object', () => {
    expect(compose.pick({ other: 'x' })).toBeUndefined();
    expect(compose.pick({ 'com.docker.compose.project': '' })).toBeUndefined();
    expect(compose.pick({ 'com.docker.compose.project': 7 })).toBeUndefined();
    for (const junk of [null, undefined, 'labels', 3]) expect(compose.pick(junk)).toBeUndefined();
    // An inherited key is not a label of the container.
    expect(new RuntimeLabels(['toString']).pick({})).toBeUndefined();
    expect(NO_RUNTIME_LABELS.pick({ 'com.docker.compose.project': 'demo' })).toBeUndefined();
  });

  it("merges a pod's labels under its container's own, in the allow-list's order", () => {
    const k8s = new RuntimeLabels(['app', 'tier', 'team']);
    const merged = k8s.merge(k8s.pick({ team: 'shop', app: 'web' }), k8s.pick({ app: 'web-canary', tier: 'front' }));
    expect(merged).toEqual({
      container_label_app: 'web-canary',
      container_label_tier: 'front',
      container_label_team: 'shop',
    });
    expect(Object.keys(merged!)).toEqual(['container_label_app', 'container_label_tier', 'container_label_team']);
    expect(k8s.merge(undefined, undefined)).toBeUndefined();
    expect(k8s.merge(undefined, k8s.pick({ tier: 'db' }))).toEqual({ container_label_tier: 'db' });
  });
});
