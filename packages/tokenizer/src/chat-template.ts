import { Template } from '@huggingface/jinja';
import { TokenizerFormatError } from './errors';
import { isJsonObject, type JsonObject } from './json-fields';
import { specialTokenStrings } from './special-tokens';

export interface ChatMessage {
  role: string;
  content: string;
  [field: string]: unknown;
}

export interface ChatTemplateOptions {
  /** End with the header of an assistant turn, so the model writes the reply. */
  addGenerationPrompt?: boolean;
  tools?: unknown[];
  documents?: unknown[];
  /** Which of several named templates (`chat_template` as a list); default "default", or the only one. */
  templateName?: string;
  /** Extra template variables (e.g. `enable_thinking`). */
  variables?: Record<string, unknown>;
}

/** The chat template(s) of a tokenizer_config.json, rendered as transformers' `apply_chat_template` does. */
export class ChatTemplate {
  private readonly compiled = new Map<string, Template>();

  constructor(
    private readonly sources: ReadonlyMap<string, string>,
    /** `bos_token`, `eos_token`, ... as strings: transformers passes them all to the template. */
    private readonly specialTokens: Readonly<Record<string, string>>,
    private readonly file = 'tokenizer_config.json',
  ) {}

  /** The template(s) of a (merged) tokenizer config, or undefined when it has none. */
  static fromConfig(config: JsonObject, file = 'tokenizer_config.json'): ChatTemplate | undefined {
    const raw = config['chat_template'];
    const sources = new Map<string, string>();
    if (typeof raw === 'string') {
      sources.set('default', raw);
    } else if (Array.isArray(raw)) {
      for (const entry of raw) {
        if (
          !isJsonObject(entry) ||
          typeof entry['name'] !== 'string' ||
          typeof entry['template'] !== 'string'
        ) {
          throw new TokenizerFormatError(file, 'chat_template entries must be {name, template}');
        }
        sources.set(entry['name'], entry['template']);
      }
    } else if (raw !== undefined && raw !== null) {
      throw new TokenizerFormatError(file, 'chat_template must be a string or a list of {name, template}');
    }
    return sources.size > 0 ? new ChatTemplate(sources, specialTokenStrings(config), file) : undefined;
  }

  get names(): string[] {
    return [...this.sources.keys()];
  }

  render(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    const template = this.template(options.templateName);
    return template.render({
      ...this.specialTokens,
      ...options.variables,
      messages,
      tools: options.tools,
      documents: options.documents,
      add_generation_prompt: options.addGenerationPrompt ?? false,
    });
  }

  private template(requested: string | undefined): Template {
    const name = requested ?? (this.sources.size === 1 ? this.names[0]! : 'default');
    const cached = this.compiled.get(name);
    if (cached) return cached;
    const source = this.sources.get(name);
    if (source === undefined) {
      throw new TokenizerFormatError(
        this.file,
        `no chat template named "${name}" (have: ${this.names.join(', ')})`,
      );
    }
    const template = new Template(source);
    this.compiled.set(name, template);
    return template;
  }
}
