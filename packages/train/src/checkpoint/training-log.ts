import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrainError } from '../errors';

export const TRAINING_LOG_FILE = 'training_log.jsonl';

/** One line of training_log.jsonl: a step's objective or a validation pass. */
export type TrainingLogEntry =
  | { type: 'step'; step: number; loss: number; lr: number; gradNorm: number; tokensPerSecond: number }
  | { type: 'validation'; step: number; loss: number; maskedTokenLoss: number; maskedTokens: number };

/**
 * The run's history as JSON lines in the output folder, one line per step and per validation, for
 * plots (`unmask analyze curve`). A resumed run keeps the lines up to its checkpoint's step and drops
 * any written after it by a run that stopped before its next checkpoint. Entries are the masked-
 * diffusion trainer's unless `Entry` says otherwise (the DLCM trainer logs its own metrics).
 */
export class TrainingLog<Entry extends { type: string; step: number } = TrainingLogEntry> {
  private readonly path: string;

  constructor(outDir: string, resumedStep: number | undefined) {
    this.path = join(outDir, TRAINING_LOG_FILE);
    const kept =
      resumedStep !== undefined && existsSync(this.path)
        ? readTrainingLog(this.path).filter((entry) => entry.step <= resumedStep)
        : [];
    writeFileSync(this.path, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  }

  append(entry: Entry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}

/** Reads a training_log.jsonl (a torn last line, from a killed run, is ignored). */
export function readTrainingLog(path: string): TrainingLogEntry[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const last = lines.findLastIndex((line) => line.trim() !== '');
  const entries: TrainingLogEntry[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as TrainingLogEntry);
    } catch {
      if (i !== last) throw new TrainError(`${path}: line ${i + 1} is not JSON: ${line.slice(0, 80)}`);
    }
  }
  return entries;
}
