import { getBackend, listBackends } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { ortBackend } from '../src/index';

describe('registration', () => {
  it('registers ort above the cpu backend, as the shared default instance', () => {
    expect(listBackends()[0]).toBe('ort');
    expect(getBackend()).toBe(ortBackend());
    expect(getBackend('ort').name).toBe('ort');
  });
});
