// lsl_clock(): a monotonic clock in seconds (CLOCK_MONOTONIC on Linux, as liblsl's), shared by
// every thread and process on the machine, so outlet and inlet timestamps compare directly.
export function lslClock(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}
