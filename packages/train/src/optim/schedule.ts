export interface LearningRateSchedule {
  peak: number;
  /** Steps of linear warmup from peak / warmupSteps up to the peak. */
  warmupSteps: number;
  /** The run's length: the cosine decay reaches `peak * minRatio` at this step. */
  totalSteps: number;
  /** Final learning rate as a fraction of the peak. Default 0.1. */
  minRatio?: number;
}

/** The learning rate of step `step` (0-based): linear warmup, then cosine decay to peak * minRatio. */
export function learningRate(step: number, schedule: LearningRateSchedule): number {
  const { peak, warmupSteps, totalSteps } = schedule;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const floor = peak * (schedule.minRatio ?? 0.1);
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return floor + ((peak - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
}
