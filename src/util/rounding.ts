// Python's round() for the places that reproduce Python code: to the nearest integer, exact halves
// to the even neighbour (round(2.5) = 2, round(3.5) = 4), where Math.round would round up.
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
