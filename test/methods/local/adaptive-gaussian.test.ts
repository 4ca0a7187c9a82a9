import { describe, expect, it } from 'vitest';
import { createGrayImage, type GrayImage } from '../../../src/image/gray-image.js';
import {
  adaptiveGaussianThresholdMap, openCvGaussianKernel,
} from '../../../src/methods/local/adaptive-gaussian.js';
import { binarizeWithMap } from '../../../src/methods/local/binarize.js';
import { agreement, parityCases, randomImage, windowValues } from './reference.js';

// cv2.getGaussianKernel(n, 0, cv2.CV_32F) printed by OpenCV 4.6.0 (float32 values).
const OPENCV_KERNELS: Record<number, number[]> = {
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  9: [
    0.015625, 0.05078125, 0.1171875, 0.19921875, 0.234375, 0.19921875, 0.1171875, 0.05078125,
    0.015625,
  ],
  11: [
    0.00881222914904356, 0.027143577113747597, 0.06511405855417252, 0.12164907157421112,
    0.17699836194515228, 0.2005654126405716, 0.17699836194515228, 0.12164907157421112,
    0.06511405855417252, 0.027143577113747597, 0.00881222914904356,
  ],
  15: [
    0.004107253160327673, 0.010743414983153343, 0.024237534031271935, 0.047161735594272614,
    0.07914917916059494, 0.11456666141748428, 0.14302942156791687, 0.1540095955133438,
    0.14302942156791687, 0.11456666141748428, 0.07914917916059494, 0.047161735594272614,
    0.024237534031271935, 0.010743414983153343, 0.004107253160327673,
  ],
};

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Direct 2-D weighted sum with the outer-product kernel, edge pixel repeated. */
function bruteGaussianMap(image: GrayImage, window: number, c: number): Float32Array {
  const width = Math.min(window, image.width % 2 ? image.width : image.width - 1);
  const height = Math.min(window, image.height % 2 ? image.height : image.height - 1);
  const kernelX = openCvGaussianKernel(width);
  const kernelY = openCvGaussianKernel(height);
  const map = new Float32Array(image.width * image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const values = windowValues(image, x, y, width, height, 'replicate');
      let total = 0;
      values.forEach((value, i) => {
        total += kernelY[Math.floor(i / width)] * kernelX[i % width] * value;
      });
      map[y * image.width + x] = roundHalfEven(total) - Math.ceil(c);
    }
  }
  return map;
}

describe('openCvGaussianKernel', () => {
  it.each(Object.keys(OPENCV_KERNELS).map(Number))(
    'when n = %i then the kernel equals cv2.getGaussianKernel(n, 0, CV_32F)',
    (size) => {
      expect([...openCvGaussianKernel(size)]).toEqual(OPENCV_KERNELS[size]);
    },
  );
});

describe('adaptive-gaussian against OpenCV 4.6 adaptiveThreshold (GAUSSIAN_C)', () => {
  const cases = parityCases('adaptive-gaussian');

  it('when the fixtures are loaded then every crop has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7 * 4);
  });

  // Measured agreement on the 128×128 crops: 100.000% on all 28 cases. A difference could only
  // come from a Gaussian mean within ~1e-5 of a half, where OpenCV's float32 sum and the float64
  // sum here may round to different integers (impossible for n ≤ 9, whose weights are dyadic and
  // sums exact).
  it.each(cases)('when $label then ≥ 99.9% of the mask equals OpenCV', ({ image, reference }) => {
    const map = adaptiveGaussianThresholdMap(image, reference.params);
    const mask = binarizeWithMap(image, map, 'bright');
    expect(agreement(mask, reference.mask)).toBeGreaterThanOrEqual(0.999);
  });
});

describe('adaptive-gaussian', () => {
  it('when compared with a direct 2-D weighted sum then the maps are equal', () => {
    for (const [seed, bitDepth, window, c] of [
      [1, 8, 3, 0], [2, 8, 9, 2], [3, 16, 5, -2.5], [4, 8, 11, 1], [5, 16, 15, 0], [6, 8, 31, 3],
    ] as const) {
      const image = randomImage(seed, 17, 12, bitDepth);
      expect(adaptiveGaussianThresholdMap(image, { window, c })).toEqual(
        bruteGaussianMap(image, window, c),
      );
    }
  });

  it('when a Gaussian mean is exactly a half then it rounds to the even neighbour', () => {
    // One row, so the window is 3×1 and the kernel [1/4, 1/2, 1/4]; edges repeat.
    const oneRow = (values: number[]) => createGrayImage(3, 1, Uint8Array.from(values));
    // [0, 3, 0]: means 0.75, 1.5, 0.75 → 1, 2, 1.
    expect([...adaptiveGaussianThresholdMap(oneRow([0, 3, 0]), { window: 3, c: 0 })])
      .toEqual([1, 2, 1]);
    // [0, 1, 0]: means 0.25, 0.5, 0.25 → 0, 0, 0.  [2, 5, 2]: centre 3.5 → 4.
    expect([...adaptiveGaussianThresholdMap(oneRow([0, 1, 0]), { window: 3, c: 0 })])
      .toEqual([0, 0, 0]);
    expect(adaptiveGaussianThresholdMap(oneRow([2, 5, 2]), { window: 3, c: 0 })[1]).toBe(4);
  });

  it('when c is fractional then it is rounded up, as OpenCV does', () => {
    const image = createGrayImage(3, 1, Uint8Array.from([0, 3, 0]));
    expect(adaptiveGaussianThresholdMap(image, { window: 3, c: 0.2 })[1]).toBe(1);
    expect(adaptiveGaussianThresholdMap(image, { window: 3, c: -1.7 })[1]).toBe(3);
  });
});
