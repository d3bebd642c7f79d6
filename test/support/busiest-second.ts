/** The most timestamps (ms) inside any window [t, t + 1 s): how a per-second send limit is checked (send-gate test, reminders bench). */
export function countBusiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= 1000) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
