import { UsageError } from '../command';

/** dLLM-Cache's three knobs: prompt refresh interval Kp, response refresh interval Kr, V-verify ratio rho. */
export interface DllmCacheConfig {
  kp: number;
  kr: number;
  rho: number;
}

/** A policy the quality analysis runs, with the label its rows and plots carry. */
export interface QualityPolicy {
  label: string;
  name: 'none' | 'dllm-cache' | 'prefix' | 'dual';
  config?: DllmCacheConfig;
}

/**
 * The dllm-cache settings measured by default, for 64 steps of one token each (see
 * docs/analysis.md): the exact setting as a check, the paper's LLaDA settings (Kp 100 / Kr 8 and
 * Kp 50 / Kr 5 at rho 0.25; with 64 steps, Kp 100 never refreshes the prompt after the first
 * step), a sweep of Kr (2, 4, 16) and of rho (0, 0.5) around the paper's default, and Kp scaled to
 * our length with a small rho.
 */
export const DEFAULT_DLLM_CONFIGS: readonly DllmCacheConfig[] = [
  { kp: 1, kr: 1, rho: 0 },
  { kp: 100, kr: 8, rho: 0.25 },
  { kp: 50, kr: 5, rho: 0.25 },
  { kp: 25, kr: 4, rho: 0.1 },
  { kp: 100, kr: 2, rho: 0.25 },
  { kp: 100, kr: 4, rho: 0.25 },
  { kp: 100, kr: 16, rho: 0.25 },
  { kp: 100, kr: 8, rho: 0 },
  { kp: 100, kr: 8, rho: 0.5 },
];

/** "Kp,Kr,rho;Kp,Kr,rho" -> configs. */
export function parseDllmConfigs(text: string): DllmCacheConfig[] {
  return text.split(';').map((part) => {
    const [kp, kr, rho, ...rest] = part.split(',').map((value) => Number(value.trim()));
    const valid =
      rest.length === 0 &&
      Number.isInteger(kp) &&
      kp! >= 1 &&
      Number.isInteger(kr) &&
      kr! >= 1 &&
      rho !== undefined &&
      rho >= 0 &&
      rho <= 1;
    if (!valid) throw new UsageError(`--configs: '${part}' is not Kp,Kr,rho (integers >= 1, rho in [0, 1])`);
    return { kp: kp!, kr: kr!, rho: rho! };
  });
}

/** Whether a config recomputes everything at every step, so must reproduce `none` exactly. */
export function isExact(config: DllmCacheConfig): boolean {
  return config.kp === 1 && config.kr === 1 && config.rho === 0;
}

/** none (the reference, first), then dllm-cache at each config, prefix and dual. */
export function qualityPolicies(configs: readonly DllmCacheConfig[]): QualityPolicy[] {
  return [
    { label: 'none', name: 'none' },
    ...configs.map((config) => ({
      label: `dllm-cache (${config.kp}, ${config.kr}, ${config.rho})`,
      name: 'dllm-cache' as const,
      config,
    })),
    { label: 'prefix', name: 'prefix' },
    { label: 'dual', name: 'dual' },
  ];
}
