// What the fuzz tests share: a seeded random source (PGHA_FUZZ_SEED; a fixed seed by default, so
// CI runs the same cases every time), the number of cases (PGHA_FUZZ_RUNS scales every fuzzer for
// a longer run by hand: `PGHA_FUZZ_RUNS=20 npm run test:fuzz`), and hostile mutations of text.

const DEFAULT_SEED = 20_261_201;

export const FUZZ_SEED = Number(process.env.PGHA_FUZZ_SEED ?? DEFAULT_SEED);
/** A multiplier of each fuzzer's own case count; 1 in CI. */
export const FUZZ_SCALE = Math.max(1, Number(process.env.PGHA_FUZZ_RUNS ?? 1));

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [0, below). */
  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A length, mostly small, now and then up to `max` (hostile sizes are the interesting ones). */
  length(max: number): number {
    return this.next() < 0.8 ? this.int(16) : this.int(max + 1);
  }
}

/** Characters that mean something to YAML, JSON, URLs, shells or config files, and some that break text. */
const SPECIAL = [...'[]{},:-?&*!|>\'"%@`#\\/=+;. \t\n\r\0', '\u2028', '\uFEFF', '\uD800', '💥', 'é', '\u001b'];
const WORDS = ['1', '1MB', '30min', 'null', 'true', 'on', 'yes', '~', '---', '...', '<<', '- ', ': ', '&a ', '*a', '!!str ', '!!binary ', '0x1F', '1e309', '-1', '.inf', 'NaN'];

/** One piece of hostile text: a special character, a YAML word, or a long run of one of them. */
export function hostileText(random: Random, maxLength: number): string {
  const unit = random.next() < 0.5 ? random.pick(SPECIAL) : random.pick(WORDS);
  const repeats = random.next() < 0.15 ? random.length(Math.max(1, Math.floor(maxLength / unit.length))) : 1;
  return unit.repeat(Math.max(1, repeats));
}

/** `text` with one random change: a cut, a copy, an insertion, a replacement, or lines swapped. */
export function mutate(random: Random, text: string, maxInsert: number): string {
  const at = random.int(text.length + 1);
  const span = random.length(Math.min(200, text.length - at));
  switch (random.int(6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + span);
    case 1:
      return text.slice(0, at) + text.slice(at, at + span).repeat(1 + random.length(64)) + text.slice(at);
    case 2:
      return text.slice(0, at) + hostileText(random, maxInsert) + text.slice(at);
    case 3:
      return text.slice(0, at) + hostileText(random, maxInsert) + text.slice(at + span);
    case 4: {
      const lines = text.split('\n');
      const [a, b] = [random.int(lines.length), random.int(lines.length)];
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    default: {
      const lines = text.split('\n');
      const line = random.int(lines.length);
      lines[line] = ' '.repeat(random.length(40)) + lines[line]!.trimStart();
      return lines.join('\n');
    }
  }
}

/** Random bytes read as UTF-8, as a file of garbage would be. */
export function randomBytesText(random: Random, maxLength: number): string {
  const bytes = Buffer.alloc(random.length(maxLength));
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
  return bytes.toString('utf8');
}

/** Documents that are hostile by size or shape rather than by content. */
export function hugeOrDeep(random: Random, sample: string, maxBytes: number): string {
  const depth = 1 + random.int(40_000);
  switch (random.int(5)) {
    case 0:
      return `${'['.repeat(depth)}${']'.repeat(random.int(2) * depth)}`;
    case 1:
      return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    case 2:
      return Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    case 3: {
      const line = sample.split('\n')[random.int(sample.split('\n').length)] ?? 'a: 1';
      return `${sample}\n${`${line}\n`.repeat(Math.floor(maxBytes / (line.length + 1)))}`.slice(0, maxBytes);
    }
    default:
      return `${sample}\nhuge: "${'\\'.repeat(random.int(Math.max(1, maxBytes - sample.length)))}"\n`;
  }
}

/** Several mutations in a row, so the fuzzer also reaches states one change away from nothing valid. */
export function mutateMany(random: Random, text: string, maxInsert: number): string {
  let result = text;
  for (let i = 1 + random.int(4); i > 0; i--) result = mutate(random, result, maxInsert);
  return result;
}
