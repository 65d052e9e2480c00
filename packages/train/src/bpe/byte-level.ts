/**
 * The split of GPT-2's ByteLevel pre-tokenizer (`use_regex: true`), with whitespace as Unicode's
 * White_Space as in the Rust crate: contractions, letters, digits and other symbols with an optional
 * leading space, and runs of whitespace.
 */
export const GPT2_SPLIT =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;
