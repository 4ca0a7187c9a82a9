import { describe, expect, it } from 'vitest';
import * as autothresh from '../src/index.js';

const SAMPLE = new URL('../datasets/samples/images/dibco2009-H03.png', import.meta.url).pathname;

describe('the library entry point', () => {
  it('when imported then it exposes the documented functions', () => {
    for (const name of [
      'readImage', 'histogramOf', 'createHistogram', 'globalThreshold', 'otsuThreshold',
      'localThresholdMap', 'thresholdFile', 'labelPair', 'readLabelRecords', 'bestThreshold',
      'loadModel', 'predictThreshold', 'trainModel', 'runBench', 'writeHtmlReport',
    ]) {
      expect(typeof (autothresh as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('when an image is thresholded through the library then CLI and library agree', async () => {
    const image = await autothresh.readImage(SAMPLE);
    const histogram = autothresh.histogramOf(image);
    const otsu = autothresh.globalThreshold('otsu', histogram);
    const { result } = await autothresh.thresholdFile(SAMPLE, { method: 'otsu' });
    expect(result.threshold).toBe(otsu);
    const model = await autothresh.loadModel();
    const prediction = autothresh.predictThreshold(model, histogram);
    expect(prediction.threshold).toBeGreaterThanOrEqual(0);
    expect(prediction.threshold).toBeLessThanOrEqual(255);
    expect(['dark', 'bright']).toContain(prediction.polarity);
  });
});
