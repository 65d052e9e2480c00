/**
 * Bytes of a hand-made safetensors file: an 8-byte little-endian header length (the true one unless
 * `claimedHeaderLength` is given), the header (serialised unless it is already a string), then `data`.
 */
export function rawSafetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  claimedHeaderLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, claimedHeaderLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
