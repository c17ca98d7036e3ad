import * as data from './index';

describe('src/data public API', () => {
  it('exports the functions the components use, under these names', () => {
    for (const name of [
      'buildPanelModel',
      'parseRefIdRoles',
      'groupByHostAndPod',
      'filterContainers',
      'sortContainers',
      'describeMissing',
    ] as const) {
      expect(typeof data[name]).toBe('function');
    }
  });
});
