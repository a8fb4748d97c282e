// Learning-rate schedule: linear warm-up, then cosine decay to `minRatio` of the peak.
export interface LrSchedule {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  minRatio: number;
}

export function learningRate(s: LrSchedule, step: number): number {
  if (step < s.warmupSteps) return (s.peak * (step + 1)) / s.warmupSteps;
  const progress = Math.min(1, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
  return s.peak * (s.minRatio + (1 - s.minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
