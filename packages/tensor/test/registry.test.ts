import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../src/backend';
import { cpuBackend } from '../src/cpu';

/** A fresh copy of the registry module: its state is module-global. */
async function freshRegistry() {
  vi.resetModules();
  return import('../src/registry');
}

const named = (name: string): Backend => ({ ...cpuBackend, name });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('backend registry', () => {
  it('getBackend() picks the highest priority and lists names best first', async () => {
    const { registerBackend, getBackend, listBackends } = await freshRegistry();
    registerBackend('low', () => named('low'), 0);
    registerBackend('high', () => named('high'), 10);
    registerBackend('middle', () => named('middle'), 5);
    expect(listBackends()).toEqual(['high', 'middle', 'low']);
    expect(getBackend().name).toBe('high');
  });

  it('getBackend(name) returns that backend, created once', async () => {
    const { registerBackend, getBackend } = await freshRegistry();
    const factory = vi.fn(() => named('low'));
    registerBackend('low', factory, 0);
    registerBackend('high', () => named('high'), 10);
    expect(getBackend('low').name).toBe('low');
    expect(getBackend('low')).toBe(getBackend('low'));
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('registering a name again replaces it', async () => {
    const { registerBackend, getBackend, listBackends } = await freshRegistry();
    registerBackend('x', () => named('first'), 0);
    registerBackend('x', () => named('second'), 0);
    expect(listBackends()).toEqual(['x']);
    expect(getBackend('x').name).toBe('second');
  });

  it('an unknown name is an error that lists the registered names', async () => {
    const { registerBackend, getBackend } = await freshRegistry();
    const { BackendError } = await import('../src/errors');
    registerBackend('cpu', () => cpuBackend, 0);
    registerBackend('ort', () => named('ort'), 10);
    expect(() => getBackend('webgpu')).toThrow(BackendError);
    expect(() => getBackend('webgpu')).toThrow(/unknown backend 'webgpu'; registered: ort, cpu/);
  });

  it('with nothing registered, getBackend() fails', async () => {
    const { getBackend } = await freshRegistry();
    expect(() => getBackend()).toThrow(/no backend could be initialised/);
    expect(() => getBackend('cpu')).toThrow(/registered: none/);
  });

  it('a failing factory is skipped with one warning, and getBackend() falls back', async () => {
    const { registerBackend, getBackend } = await freshRegistry();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken = vi.fn((): Backend => {
      throw new Error('native library not found');
    });
    registerBackend('broken', broken, 100);
    registerBackend('cpu', () => cpuBackend, 0);
    expect(getBackend()).toBe(cpuBackend);
    expect(getBackend()).toBe(cpuBackend);
    expect(broken).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /backend 'broken' failed to initialise: native library not found/,
    );
    expect(() => getBackend('broken')).toThrow(/backend 'broken' failed to initialise/);
  });

  it('the package entry registers the cpu backend at priority 0', async () => {
    vi.resetModules();
    const tensor = await import('../src/index');
    expect(tensor.listBackends()).toContain('cpu');
    expect(tensor.getBackend('cpu')).toBe(tensor.cpuBackend);
    expect(tensor.cpuBackend.name).toBe('cpu');
  });
});
