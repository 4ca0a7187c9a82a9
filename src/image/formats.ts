/**
 * File extensions of the formats autothresh decodes (sharp: PNG, JPEG, TIFF, WebP, GIF, AVIF;
 * its own decoder: BMP), lower case and without the dot. Folders are searched for these.
 */
export const IMAGE_EXTENSIONS = [
  'png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif', 'avif', 'bmp',
] as const;
