/** a / b, or `fallback` when b is 0 (keeps zero ranges / zero volumes finite): the streaming and batch rule. */
export function ratio(a: number, b: number, fallback: number): number {
  return b !== 0 ? a / b : fallback;
}
