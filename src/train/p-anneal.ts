// The p-annealing schedule of dictionary_learning's PAnnealTrainer (spec 4.3), scaled to the run:
// p steps from pStart to pEnd over `updates` values at evenly spaced steps from annealStart to the
// end; at each switch after the first the coefficient is rescaled by mean(S_p) / mean(S_pNext)
// over the last `queue` batches, so the penalty's size is continuous across the change.
export class PAnnealSchedule {
  p: number;
  pNext: number;
  coef: number;
  private readonly updateSteps: number[];
  private readonly pValues: number[];
  private next = 0;
  private readonly history: Array<[number, number]> = [];

  constructor(coef: number, totalSteps: number, readonly o = { pStart: 1, pEnd: 0.2, annealStartFraction: 10000 / 36621, updates: 10, queue: 10 }) {
    const start = Math.floor(totalSteps * o.annealStartFraction);
    this.updateSteps = Array.from({ length: o.updates }, (_, i) => Math.floor(start + ((totalSteps - start) * i) / (o.updates - 1)));
    this.pValues = Array.from({ length: o.updates }, (_, i) => o.pStart + ((o.pEnd - o.pStart) * i) / (o.updates - 1));
    this.p = o.pStart;
    this.pNext = o.pStart;
    this.coef = coef;
  }

  /** Records a batch's mean S_p and S_pNext (measured before the step's update). */
  observe(lp: number, lpNext: number): void {
    this.history.push([lp, lpNext]);
    if (this.history.length > this.o.queue) this.history.shift();
  }

  /** Called before training step `step` (counting from 0). */
  advance(step: number): void {
    while (this.next < this.updateSteps.length && step >= this.updateSteps[this.next]) {
      if (this.next > 0 && this.history.length > 0) {
        const mean = (i: 0 | 1) => this.history.reduce((s, h) => s + h[i], 0) / this.history.length;
        if (mean(1) > 0) this.coef *= mean(0) / mean(1);
        this.p = this.pNext;
      }
      this.pNext = this.pValues[Math.min(this.next + 1, this.pValues.length - 1)];
      this.next++;
    }
  }
}
