// cos/sin of RoPE angles, computed in float64 (angles at large positions need the precision) and
// kept per (theta, head dim): a row is computed the first time its position is used, then copied.

/** Positions outside [0, this) are computed per call rather than kept. */
const MAX_TABLE_POSITIONS = 1 << 16;

interface Table {
  capacity: number;
  filled: Uint8Array;
  cos: Float32Array;
  sin: Float32Array;
}

const tables = new Map<string, Table>();

/** cos and sin [S, D/2] for `positions` (any integers). */
export function ropeCosSin(
  positions: Int32Array,
  theta: number,
  d: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = d / 2;
  const table = tableFor(theta, d, positions);
  const cos = new Float32Array(positions.length * half);
  const sin = new Float32Array(positions.length * half);
  for (let t = 0; t < positions.length; t++) {
    const p = positions[t]!;
    if (p < 0 || p >= table.capacity) {
      fillRow(cos, sin, t, p, theta, d);
      continue;
    }
    if (!table.filled[p]) {
      fillRow(table.cos, table.sin, p, p, theta, d);
      table.filled[p] = 1;
    }
    cos.set(table.cos.subarray(p * half, (p + 1) * half), t * half);
    sin.set(table.sin.subarray(p * half, (p + 1) * half), t * half);
  }
  return { cos, sin };
}

function tableFor(theta: number, d: number, positions: Int32Array): Table {
  const key = `${theta}:${d}`;
  const old = tables.get(key);
  let needed = 0;
  for (const p of positions) if (p >= needed && p < MAX_TABLE_POSITIONS) needed = p + 1;
  if (old && old.capacity >= needed) return old;
  let capacity = Math.max(256, old?.capacity ?? 0);
  while (capacity < needed) capacity *= 2;
  const half = d / 2;
  const table = {
    capacity,
    filled: new Uint8Array(capacity),
    cos: new Float32Array(capacity * half),
    sin: new Float32Array(capacity * half),
  };
  if (old) {
    table.filled.set(old.filled);
    table.cos.set(old.cos);
    table.sin.set(old.sin);
  }
  tables.set(key, table);
  return table;
}

function fillRow(
  cos: Float32Array,
  sin: Float32Array,
  row: number,
  position: number,
  theta: number,
  d: number,
): void {
  const half = d / 2;
  for (let i = 0; i < half; i++) {
    const angle = position * theta ** ((-2 * i) / d);
    cos[row * half + i] = Math.cos(angle);
    sin[row * half + i] = Math.sin(angle);
  }
}
