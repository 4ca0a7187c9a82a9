/**
 * File extensions of the formats autothresh decodes (sharp: PNG, JPEG, TIFF, WebP, GIF, AVIF;
 * its own decoder: BMP), lower case and without the dot. Folders are searched for these.
 */
export const IMAGE_EXTENSIONS = [
  'png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif', 'avif', 'bmp',
] as const;

/** True when the file name ends in one of {@link IMAGE_EXTENSIONS} (any letter case). */
export function hasImageExtension(file: string): boolean {
  const dot = file.lastIndexOf('.');
  const extension = file.slice(dot + 1).toLowerCase();
  return dot > 0 && (IMAGE_EXTENSIONS as readonly string[]).includes(extension);
}
