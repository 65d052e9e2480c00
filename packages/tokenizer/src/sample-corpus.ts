import { mulberry32 } from '@unmask/tensor';

/**
 * Deterministic mixed-language text for tokenizer equality tests and benchmarks: built-in paragraphs of
 * prose, code, CJK, emoji, numbers, whitespace runs, mixed newlines, special-token strings and other
 * scripts, shuffled and perturbed by a seeded generator.
 */

const PROSE = [
  "It's a truth universally acknowledged that a model in possession of good weights must be in want of a tokenizer. We'd rather not guess, and you'll see why: THEY'RE not the same thing, and I've checked twice.",
  'The committee met on Tuesday — again — to discuss the budget… “Nothing is settled,” said the chair, ‘until everything is settled.’ Nobody laughed; the coffee had run out at 9:15 a.m.',
  "She didn't know whether the bridge would hold. He'd promised it would, but promises, like bridges, don't always bear the weight you put on them. Still, we're here, aren't we?",
  'Diffusion language models denoise a whole canvas at once: every step re-reads the prompt and the partially unmasked answer, commits the most confident tokens, and leaves the rest masked for later.',
  "In the beginning was the Word, and the Word was split into sub-words, and the sub-words were merged by rank. Isn't that how it goes? I'LL NEVER TELL, said the merge table.",
  'Dear Sir or Madam, I am writing to enquire about the position advertised in last week’s paper. Please find enclosed my CV (two pages) & a reference letter. Yours faithfully, J. Smith, Ph.D.',
  'Why? Because! ¿Qué pasa? ¡Nada! «Bonjour», dit-il. „Guten Tag“, sagte sie. • First item • Second item ‣ nested — end.',
];

const CODE = [
  'export function merge(a: number[], b: number[]): number[] {\n  const out: number[] = [];\n  let i = 0, j = 0;\n  while (i < a.length && j < b.length) out.push(a[i]! <= b[j]! ? a[i++]! : b[j++]!);\n  return [...out, ...a.slice(i), ...b.slice(j)];\n}\n',
  'def tokenize(text: str) -> list[int]:\n    """Split text into ids."""\n    ids = []\n    for word in re.findall(r"\\w+|\\S", text):\n        ids.extend(vocab.get(word, [UNK]))\n    return ids\n\n\nif __name__ == "__main__":\n    print(tokenize("hello, world"))\n',
  'fn main() -> Result<(), Box<dyn std::error::Error>> {\n\tlet args: Vec<String> = std::env::args().collect();\n\tif args.len() < 2 {\n\t\teprintln!("usage: {} <file>", args[0]);\n\t\treturn Ok(());\n\t}\n\tprintln!("{:?}", std::fs::read_to_string(&args[1])?);\n\tOk(())\n}\n',
  '{\n    "name": "@unmask/tokenizer",\n    "version": "0.1.0",\n    "scripts": {"test": "vitest run", "build": "tsup"},\n    "values": [1, 2.5, -3e10, null, true, false]\n}\n',
  '#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./data/*.txt; do\n  wc -c "$f" | awk \'{ print $1 }\' >> sizes.log  # count bytes\ndone\n[[ -n "$' +
    '{CI:-}" ]] && echo "ci=$CI" || true\n',
  "SELECT u.id, u.name, COUNT(o.id) AS orders\nFROM users u\nLEFT JOIN orders o ON o.user_id = u.id\nWHERE u.created_at >= '2024-01-01'\nGROUP BY u.id, u.name\nHAVING COUNT(o.id) > 3\nORDER BY orders DESC;\n",
  '<div class="card" data-id="42">\n  <h2>{{ title }}</h2>\n  <p>Price: &euro;19.99 &mdash; <em>limited</em></p>\n  <script>window.__STATE__ = {"a":[1,2,3]};</script>\n</div>\n',
];

const CJK = [
  '扩散语言模型在每一步都会重新读取整个序列，并选择置信度最高的位置进行解码。缓存可以显著减少重复计算，提高推理速度。',
  '東京は日本の首都です。今日はとても暑いので、冷たいお茶を飲みながら、ゆっくり本を読みたいと思います。「ありがとう」と彼女は言った。',
  '한국어 문장도 토크나이저가 올바르게 처리해야 합니다. 오늘 날씨가 정말 좋네요! 같이 산책하러 갈까요?',
  '机器学习（Machine Learning）是人工智能的一个分支。模型参数为7B，上下文长度为4096个词元；速度提升了5.2倍！',
  '春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。——孟浩然《春晓》',
  'カタカナとひらがなと漢字が混ざった文章：コンピューターでテキストを処理する。ＡＢＣ１２３、全角の文字も含む。',
];

const EMOJI = [
  'Great job! 🎉🎉🎉 Let us celebrate 🥳 with cake 🍰 and coffee ☕️.',
  'Family: 👨‍👩‍👧‍👦, thumbs: 👍🏽👍🏿👍, flags: 🇯🇵🇫🇷🇧🇷, hearts: ❤️‍🔥💔💖.',
  'Astronauts 🧑🏿‍🚀👩🏼‍🚀 fly past the moon 🌕🌖🌗🌘🌑 while the rocket 🚀 roars.',
  'Math-ish: ∑ᵢ xᵢ² ≤ ∫₀^∞ e^(−t) dt ≈ 1 ± ε; arrows → ⇒ ↔; check ✓ ✗; box ┌─┐│└─┘.',
  '😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎🥸🤩🥳',
];

const NUMBERS = [
  'Pi is 3.14159265358979, e is 2.718281828, and 1,234,567.89 dollars were spent on 2024-05-17 at 12:30:45.',
  'Order #000123 shipped: 12 items × $19.99 = $239.88 (tax 7.5%); tracking 1Z999AA10123456784; ETA 3–5 days.',
  'Hex 0xDEADBEEF, binary 0b101101, octal 0o755, sci 6.022e23, tiny 1e-9, negative -42, version v1.2.3-rc.4.',
  '12345678901234567890123456789012345678901234567890 and 98765432109876543210 repeated 1000000 times.',
  'Coordinates: 48°51′24″N 2°21′03″E; temperature −3.5 °C; ratio 16:9; fractions ½ ¾ ⅞; superscripts x² y³.',
];

const WHITESPACE = [
  'column1\tcolumn2\t\tcolumn3\n\tindented\n\t\tdouble\n',
  'trailing spaces   \nand    multiple     gaps        here\n\n\n\nthen blank lines',
  'windows\r\nline\r\nendings\r\n\r\nand old mac\rstyle\rlines',
  '          leading ten spaces, then a long run:                                                  end',
  'mixed \u00a0non-breaking\u00a0spaces,\u2003em\u2003spaces, ideographic\u3000space, zero\u200bwidth\u200bjoiner',
  ' \n \n  \n\t\n   \r\n    x',
];

const SPECIAL_STRINGS = [
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
  'text before<|endoftext|>text after <|end_of_text|> and a fake <|not_a_token|> and <think>reasoning</think> done.',
  'Tokens inline: foo<|im_end|>bar, <|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>  return 1',
];

const OTHER_SCRIPTS = [
  'Привет, мир! Как дела? Съешь же ещё этих мягких французских булок, да выпей чаю.',
  'Γειά σου Κόσμε! Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.',
  'مرحبا بالعالم! هذه جملة باللغة العربية للاختبار. שלום עולם! זה משפט בעברית.',
  'नमस्ते दुनिया! यह हिंदी में एक वाक्य है। สวัสดีชาวโลก นี่คือประโยคภาษาไทย',
  'Café naïve résumé façade coöperate São Paulo Zürich Øresund Łódź İstanbul ǅemal ﬁnance ﬂour.',
  'Decomposed: Cafe\u0301 nai\u0308ve re\u0301sume\u0301, Hangul jamo \u1100\u1161\u11a8, A\u030a ångström.',
];

const KINDS = [PROSE, CODE, CJK, EMOJI, NUMBERS, WHITESPACE, SPECIAL_STRINGS, OTHER_SCRIPTS];
const SEPARATORS = [' ', '\n', '\n\n', '\r\n', '\t', '', '  \n', '\n    ', '. ', ' — '];
/** Single characters spliced in at random so that many words are new (cache misses, rare merges). */
const SPICE = [
  'é',
  'ß',
  'ø',
  '中',
  '語',
  '한',
  'ж',
  'λ',
  '🙂',
  '🚀',
  '🇩🇪',
  '½',
  '™',
  '\u00a0',
  '\t',
  "'",
  '’',
  '"',
  '0',
  '7',
];

export interface SampleCorpusOptions {
  /** Minimum UTF-8 size of the result. */
  bytes: number;
  seed?: number;
  /** Extra English (e.g. tinyshakespeare) to draw slices from. */
  english?: string;
}

/** Deterministic (for a given seed and `english`) mixed text of at least `bytes` UTF-8 bytes. */
export function sampleCorpus({ bytes, seed = 1, english }: SampleCorpusOptions): string {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    let paragraph: string;
    if (english && random() < 0.25) {
      const start = Math.floor(random() * Math.max(1, english.length - 2000));
      paragraph = english.slice(start, start + 200 + Math.floor(random() * 1800));
    } else {
      paragraph = pick(pick(KINDS));
    }
    const roll = random();
    if (roll < 0.3) {
      const start = Math.floor(random() * paragraph.length);
      paragraph = paragraph.slice(start, start + 1 + Math.floor(random() * 120));
    } else if (roll < 0.55) {
      const at = Math.floor(random() * paragraph.length);
      paragraph = paragraph.slice(0, at) + pick(SPICE) + pick(SPICE) + paragraph.slice(at);
    } else if (roll < 0.6) {
      paragraph = ' '.repeat(1 + Math.floor(random() * 300)) + paragraph;
    } else if (roll < 0.65) {
      paragraph = paragraph.toUpperCase();
    }
    // A slice may cut a surrogate pair; lone surrogates cannot survive UTF-8, so drop them.
    paragraph = paragraph.replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '',
    );
    const piece = paragraph + pick(SEPARATORS);
    parts.push(piece);
    size += Buffer.byteLength(piece, 'utf8');
  }
  return parts.join('');
}
