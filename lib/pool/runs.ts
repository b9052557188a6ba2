// Ticket ids as log ranges: a log row names "the event's tickets from #a to #b", so a row's
// range must hold only its own tickets. Pure.

/** Ascending ids split into runs that no id of `breaks` (ascending) falls inside: each run's id range holds only its own tickets. */
export function splitAround(ids: bigint[], breaks: bigint[]): bigint[][] {
  if (breaks.length === 0 || ids.length === 0) return ids.length ? [ids] : [];
  const runs: bigint[][] = [];
  let b = 0;
  let current: bigint[] = [];
  for (const id of ids) {
    let broke = false;
    while (b < breaks.length && breaks[b] < id) {
      b++;
      broke = true;
    }
    if (broke && current.length) {
      runs.push(current);
      current = [];
    }
    current.push(id);
  }
  if (current.length) runs.push(current);
  return runs;
}

/** Ascending ids split into runs of consecutive integers: each run's range holds exactly its ids, whatever else the event holds. */
export function runsOf(ids: bigint[]): bigint[][] {
  const runs: bigint[][] = [];
  for (const id of ids) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] + 1n === id) last.push(id);
    else runs.push([id]);
  }
  return runs;
}
