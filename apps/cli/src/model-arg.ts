import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DlcmModel } from '@unmask/dlcm';
import { type ResolvedModel, resolveModel } from '@unmask/hub';
import { getBackend } from '@unmask/tensor';
import { type DiffusionLM, type LoadedModel, loadAnyModel } from '@unmask/transformer';
import { UsageError } from './command';
import { status } from './output';
import { ProgressBar } from './progress';

/** The model this repository ships (trained by `unmask train` on tinyshakespeare; see models/README.md). */
export const SHIPPED_MODEL_DIR = fileURLToPath(new URL('../../../models/llada-shakespeare', import.meta.url));

/**
 * Resolves --model (a folder, org/name from the Hugging Face cache, or hf:org/name to download);
 * without one, the shipped model.
 */
export async function resolveModelArg(spec: string | undefined): Promise<ResolvedModel> {
  if (!spec) {
    if (!existsSync(SHIPPED_MODEL_DIR))
      throw new UsageError(`--model is required (no shipped model at ${SHIPPED_MODEL_DIR})`);
    spec = SHIPPED_MODEL_DIR;
  }
  const bar = new ProgressBar('download');
  const resolved = await resolveModel(spec, {
    onProgress: (p) =>
      bar.update(
        p.bytes,
        p.total,
        `${p.file} ${(p.bytes / 1e6).toFixed(1)}/${(p.total / 1e6).toFixed(1)} MB`,
      ),
  });
  if (resolved.source === 'download') {
    bar.finish();
    status(`downloaded ${resolved.repo}@${resolved.commit} into ${resolved.dir}`);
  }
  return resolved;
}

/** Loads a resolved diffusion LM onto the named backend; another kind of model is a usage error. */
export function loadModelFrom(resolved: ResolvedModel, backendName?: string): DiffusionLM {
  const loaded = loadAnyModelFrom(resolved, backendName);
  if (loaded.kind !== 'diffusion')
    throw new UsageError(
      `${resolved.dir} is a ${loaded.loader.name} model; this command runs diffusion LMs only`,
    );
  return loaded.model;
}

/** Loads a resolved model of any registered kind (diffusion LM or next-token, e.g. DLCM). */
export function loadAnyModelFrom(resolved: ResolvedModel, backendName?: string): LoadedModel {
  const backend = getBackend(backendName);
  const started = performance.now();
  const bar = new ProgressBar('loading');
  const loaded = loadAnyModel(resolved.dir, {
    backend,
    onProgress: (read, total) =>
      bar.update(read, total, `${(read / 2 ** 20).toFixed(0)}/${(total / 2 ** 20).toFixed(0)} MiB`),
  });
  bar.finish();
  const seconds = (performance.now() - started) / 1000;
  const name = loaded.kind === 'diffusion' ? loaded.model.family.name : loaded.loader.name;
  const weightMiB = (loaded.model.parameterCount * 4) / 2 ** 20;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  status(
    `loaded ${name} model from ${resolved.dir} on ${backend.name} in ${seconds.toFixed(2)} s ` +
      `(${weightMiB.toFixed(1)} MiB of float32 weights, peak RSS ${peakMiB.toFixed(0)} MiB)`,
  );
  return loaded;
}

/** The DLCM of a loaded model (the one next-token kind the CLI drives today); another model is a usage error. */
export function dlcmOf(loaded: LoadedModel): DlcmModel {
  if (!(loaded.model instanceof DlcmModel)) {
    const name = loaded.kind === 'diffusion' ? loaded.model.family.name : loaded.loader.name;
    throw new UsageError(`this needs a DLCM; the model is ${name}`);
  }
  return loaded.model;
}
