import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_MODEL_DIR = fileURLToPath(
  new URL('../../../../models/llada-shakespeare', import.meta.url),
);

/** A chat template for the tests, independent of whatever template the shipped model gets. */
export const TEST_CHAT_TEMPLATE =
  "{% for message in messages %}{{ message['role'] | upper }}:\n{{ message['content'] }}\n\n{% endfor %}" +
  '{% if add_generation_prompt %}ASSISTANT:\n{% endif %}';

export interface ModelCopy {
  dir: string;
  remove(): void;
}

/**
 * The shipped model in a temporary folder (weights linked, not copied) with the chat template set
 * or removed, so tests do not depend on what models/ holds.
 */
export function shippedModelCopy(chatTemplate: string | undefined, name = 'llada-shakespeare'): ModelCopy {
  const root = mkdtempSync(join(tmpdir(), 'unmask-server-'));
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(join(SHIPPED_MODEL_DIR, 'config.json'), join(dir, 'config.json'));
  copyFileSync(join(SHIPPED_MODEL_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  symlinkSync(join(SHIPPED_MODEL_DIR, 'model.safetensors'), join(dir, 'model.safetensors'));
  const config = JSON.parse(readFileSync(join(SHIPPED_MODEL_DIR, 'tokenizer_config.json'), 'utf8'));
  if (chatTemplate === undefined) delete config.chat_template;
  else config.chat_template = chatTemplate;
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
