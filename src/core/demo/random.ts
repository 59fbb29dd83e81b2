// The demo's seeded random source and the shape of a seeder: what every part of `crm demo` shares.
import type { Store } from "../../db/open.js";
import { mulberry32 } from "../../analytics/kmeans.js";

export interface DemoRandom {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** The demo's random source: seeded, so every demo database is the same. */
export function demoRandom(seed: number): DemoRandom {
  const next = mulberry32(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

/** Seeds one part of the product's demo data, linking to the given contacts. */
export type Seeder = (store: Store, rnd: DemoRandom, now: Date, contactIds: number[]) => void;
