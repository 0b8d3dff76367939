/**
 * Ray-marching step size that follows frame time: when frames run over the
 * budget the step grows (fewer samples per ray), when there is room it
 * shrinks back towards one sample per voxel. Frame times are smoothed so a
 * single slow frame (garbage collection, a texture upload) does not flip it.
 */
export interface AdaptiveStep {
  /** Step as a multiple of one voxel; 1 is full quality. */
  scale: number;
  minScale: number;
  maxScale: number;
  /** Frame budget, ms (11 on a 90 Hz headset). */
  targetMs: number;
  smoothedMs: number;
}

const SMOOTHING = 0.1; // weight of the newest frame
const GROW = 1.15;
const SHRINK = 1 / 1.05;
const OVER_BUDGET = 1.05;
const UNDER_BUDGET = 0.75;

export function createAdaptiveStep(targetMs: number, minScale = 1, maxScale = 4): AdaptiveStep {
  return { scale: minScale, minScale, maxScale, targetMs, smoothedMs: targetMs * UNDER_BUDGET };
}

/** Feeds one frame's time; returns the step scale for the next frame. */
export function updateAdaptiveStep(step: AdaptiveStep, frameMs: number): number {
  if (!Number.isFinite(frameMs) || frameMs <= 0) return step.scale;
  // Ignore stalls (tab switch, breakpoint): they say nothing about rendering cost.
  const clamped = Math.min(frameMs, step.targetMs * 4);
  step.smoothedMs += SMOOTHING * (clamped - step.smoothedMs);
  if (step.smoothedMs > step.targetMs * OVER_BUDGET) step.scale = Math.min(step.maxScale, step.scale * GROW);
  else if (step.smoothedMs < step.targetMs * UNDER_BUDGET) step.scale = Math.max(step.minScale, step.scale * SHRINK);
  return step.scale;
}
