import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChatTemplate,
  type JsonObject,
  resolveSpecialTokens,
  TokenizerError,
  TokenizerFormatError,
} from '../src';
import { DREAM_DIR, HAVE_REAL_CONFIGS, LLADA_DIR, readJson, SKIP_NOTE } from './helpers';

function mergedConfig(dir: string): JsonObject {
  return {
    ...readJson(join(dir, 'tokenizer_config.json')),
    ...readJson(join(dir, 'special_tokens_map.json')),
  };
}

const CONVERSATION = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: '  What is 2+2?\n' },
  { role: 'assistant', content: 'Four.' },
  { role: 'user', content: 'Thanks' },
];

describe.skipIf(!HAVE_REAL_CONFIGS)(`real chat templates${SKIP_NOTE}`, () => {
  it("renders LLaDA-8B-Instruct's template: BOS first, trimmed contents, always an assistant header", () => {
    const template = ChatTemplate.fromConfig(mergedConfig(LLADA_DIR))!;
    expect(template.render(CONVERSATION, { addGenerationPrompt: true })).toBe(
      '<|startoftext|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\nFour.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nThanks<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    // The template ignores add_generation_prompt.
    expect(template.render([{ role: 'user', content: 'Hi' }])).toBe(
      '<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it("renders Dream-v0-Instruct-7B's template: default system prompt, generation prompt on request", () => {
    const template = ChatTemplate.fromConfig(mergedConfig(DREAM_DIR))!;
    expect(template.render(CONVERSATION, { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n' +
        '<|im_start|>user\n  What is 2+2?\n<|im_end|>\n' +
        '<|im_start|>assistant\nFour.<|im_end|>\n' +
        '<|im_start|>user\nThanks<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
    expect(template.render([{ role: 'user', content: 'Hi' }])).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n',
    );
  });

  it("renders Dream's tool calling: tools in the system prompt, tool calls and tool responses", () => {
    const template = ChatTemplate.fromConfig(mergedConfig(DREAM_DIR))!;
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather now',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      { role: 'tool', content: '18C' },
    ];
    expect(template.render(messages, { tools, addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\n' +
        'You may call one or more functions to assist with the user query.\n\n' +
        'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        '{"type": "function", "function": {"name": "get_weather", "description": "Weather now", ' +
        '"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}\n' +
        '</tools>\n\nFor each function call, return a json object with function name and arguments within ' +
        '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n' +
        '</tool_call><|im_end|>\n' +
        '<|im_start|>user\nWeather in Paris?<|im_end|>\n' +
        '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>\n' +
        '<|im_start|>user\n<tool_response>\n18C\n</tool_response><|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it("resolves LLaDA's special tokens from its config, the unnamed mask <|mdm_mask|> included", () => {
    const config = mergedConfig(LLADA_DIR);
    const decoder = config['added_tokens_decoder'] as Record<string, { content: string }>;
    const ids = new Map(Object.entries(decoder).map(([id, token]) => [token.content, Number(id)]));
    expect(resolveSpecialTokens(config, (content) => ids.get(content))).toEqual({
      bos: { content: '<|startoftext|>', id: 126080 },
      eos: { content: '<|endoftext|>', id: 126081 },
      pad: { content: '<|endoftext|>', id: 126081 },
      mask: { content: '<|mdm_mask|>', id: 126336 },
    });
  });
});

describe('chat template selection', () => {
  const config = {
    bos_token: '<s>',
    chat_template: [
      {
        name: 'default',
        template: '{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}',
      },
      { name: 'tool_use', template: '{{ tools | length }} tools' },
    ],
  };

  it('picks named templates and passes variables through', () => {
    const template = ChatTemplate.fromConfig(config)!;
    expect(template.names).toEqual(['default', 'tool_use']);
    expect(template.render([{ role: 'user', content: 'x' }])).toBe('<s>[user]x');
    expect(template.render([], { templateName: 'tool_use', tools: [{}, {}] })).toBe('2 tools');
    const withVariable = ChatTemplate.fromConfig({
      chat_template: '{{ "on" if enable_thinking else "off" }}',
    })!;
    expect(withVariable.render([], { variables: { enable_thinking: true } })).toBe('on');
  });

  it('reports missing and malformed templates', () => {
    expect(ChatTemplate.fromConfig({})).toBeUndefined();
    expect(() => ChatTemplate.fromConfig(config)!.render([], { templateName: 'rag' })).toThrow(
      TokenizerFormatError,
    );
    expect(() => ChatTemplate.fromConfig({ chat_template: 42 })).toThrow(TokenizerError);
  });
});
