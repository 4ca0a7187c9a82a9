import { describe, expect, it } from 'vitest';
import { decodeHeads, roundThreshold, sigmoid, THRESHOLD_SCALE } from '../../src/model/heads.js';

describe('heads', () => {
  it('when rounding then bins below t + 0.5 count as ≤ t (halves up, within 0..255)', () => {
    expect(roundThreshold(99.49)).toBe(99);
    expect(roundThreshold(99.5)).toBe(100);
    expect(roundThreshold(-3)).toBe(0);
    expect(roundThreshold(300)).toBe(255);
  });

  it('when decoding then the threshold corrects the base and polarity follows P(dark)', () => {
    const prediction = decodeHeads([0.5, -2, 1], 0, 100);
    expect(prediction.rawThreshold).toBeCloseTo(100 + 0.5 * THRESHOLD_SCALE, 10);
    expect(prediction.threshold).toBe(116);
    expect(prediction.polarity).toBe('bright');
    expect(prediction.darkProbability).toBeCloseTo(sigmoid(-2), 12);
    expect(prediction.polarityConfidence).toBeCloseTo(1 - sigmoid(-2), 12);
    expect(prediction.quality).toBeCloseTo(sigmoid(1), 12);
    expect(decodeHeads([0, 0, 0], 0, null).rawThreshold).toBe(127.5);
  });
});
