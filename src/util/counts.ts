/**
 * Counts in messages: `counted(1, 'image')` is "1 image", `counted(3, 'image')` "3 images";
 * nouns whose plural is not the noun + "s" give it (`counted(2, 'pass', 'passes')`).
 */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
