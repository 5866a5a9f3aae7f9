import { describe, expect, it } from 'vitest';
import { imageProblem, MAX_IMAGE_BYTES } from './ImageUpload.tsx';

describe('imageProblem', () => {
  it('accepts images up to 2 MB and refuses others with a reason', () => {
    expect(imageProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(imageProblem({ type: 'image/png', size: MAX_IMAGE_BYTES })).toBeNull();
    expect(imageProblem({ type: 'image/png', size: MAX_IMAGE_BYTES + 1 })).toMatch(/limit is 2 MB/);
    expect(imageProblem({ type: 'application/pdf', size: 10 })).toMatch(/image file/);
    expect(imageProblem({ type: 'image/jpeg', size: 0 })).toMatch(/empty/);
  });
});
