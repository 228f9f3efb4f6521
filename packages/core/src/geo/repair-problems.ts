import type { ImportErrorCode, ImportProblem, ImportProblemCode, RepairCode } from './repair-types';
import type { GridLayer } from './types';

/** Where in a feature a problem is; `property` names a member of `properties`. */
export interface ProblemPlace {
  readonly polygon?: number;
  readonly ring?: number;
  readonly position?: number;
  readonly property?: string;
  /** A path below the feature other than geometry coordinates or a property, e.g. ".geometry". */
  readonly member?: string;
}

/** The area change one repair caused. */
export interface AreaChange {
  readonly m2: number;
  /** Share of the area before; null when that area was 0. */
  readonly ratio: number | null;
}

/**
 * A feature with 20,000 bad positions should not produce 20,000 lines: past this many problems of
 * one code in one feature, the rest are counted in a single closing problem.
 */
const MAX_PER_CODE = 20;

/**
 * Area changes below a hundredth of a square metre are rounding in the area formula (removing
 * a zero-width spike "changes" the area by 1e-7 m²), not changes: they never refuse a repair.
 */
const NOISE_M2 = 0.01;

/**
 * Collects the problems of one feature, building their paths and applying the strict and
 * area-change rules to repairs in one place.
 *
 * @example
 *   const scope = new FeatureProblems(out, 'cells', 3, { strict: false, maxRepairAreaChange: 0.01 });
 *   scope.setMulti(false);
 *   scope.error('invalid_coordinate', 'not a number', { ring: 0, position: 5 });
 *   // out[0].path === 'cells.features[3].geometry.coordinates[0][5]'
 */
export class FeatureProblems {
  private featureId: string | undefined;
  private featureName: string | undefined;
  private multi = false;
  private readonly counts = new Map<ImportProblemCode, number>();
  private readonly overflow = new Map<ImportProblemCode, { severity: 'error' | 'warning'; n: number }>();
  private errors = 0;
  private fatal = 0;

  constructor(
    private readonly out: ImportProblem[],
    private readonly layer: GridLayer,
    readonly index: number,
    private readonly rules: { readonly strict: boolean; readonly maxRepairAreaChange: number },
  ) {}

  /** Once the id is known to be usable, later problems carry it. */
  setId(id: string): void {
    this.featureId = id;
  }

  /** The name is only a label for people: any non-empty text will do, even on a refused feature. */
  setName(name: string): void {
    this.featureName = name;
  }

  /** Paths and `polygon` fields differ between Polygon and MultiPolygon coordinates. */
  setMulti(multi: boolean): void {
    this.multi = multi;
  }

  /** Any error at all: the feature is refused. */
  get hasErrors(): boolean {
    return this.errors > 0;
  }

  /**
   * How many errors so far stop further checks (a refused repair does not: under strict mode the
   * later defects are still worth reporting, since the repair is known). Compare before and after a step.
   */
  get fatalCount(): number {
    return this.fatal;
  }

  get id(): string | undefined {
    return this.featureId;
  }

  path(place: ProblemPlace = {}): string {
    const base = `${this.layer}.features[${this.index}]`;
    if (place.property !== undefined) return `${base}.properties.${place.property}`;
    if (place.member !== undefined) return `${base}${place.member}`;
    if (place.ring === undefined && place.polygon === undefined) return base;
    let p = `${base}.geometry.coordinates`;
    if (this.multi && place.polygon !== undefined) p += `[${place.polygon}]`;
    if (place.ring !== undefined) p += `[${place.ring}]`;
    if (place.position !== undefined) p += `[${place.position}]`;
    return p;
  }

  error(code: ImportErrorCode, message: string, place: ProblemPlace = {}): void {
    this.fatal++;
    this.push('error', code, message, place);
  }

  /**
   * Records a repairable defect and what was done about it: a warning, unless strict mode is on
   * or the repair changed the area by more than the allowed share; then an error.
   */
  repaired(
    code: RepairCode,
    defect: string,
    action: string,
    place: ProblemPlace,
    change: AreaChange | null,
  ): void {
    const limit = this.rules.maxRepairAreaChange;
    const tooMuch =
      change !== null &&
      Math.abs(change.m2) > NOISE_M2 &&
      (change.ratio === null || Math.abs(change.ratio) > limit);
    const by = change === null ? '' : `, which changes the area by ${formatArea(change)}`;
    let severity: 'error' | 'warning' = 'warning';
    let message = `${defect}; ${action}${by}`;
    if (tooMuch) {
      severity = 'error';
      const why =
        change.ratio === null
          ? 'and the area as drawn measures 0 m², so no share of it can be judged'
          : `more than the ${limit * 100}% allowed`;
      message = `${defect}; the repair (${action}) would change the area by ${formatArea(change)}, ${why}: fix the boundary by hand`;
    } else if (this.rules.strict) {
      severity = 'error';
      message = `${defect}; refused in strict mode (the repair would be: ${action}${by})`;
    }
    this.push(severity, code, message, place, change);
  }

  /** "the outer ring", "hole 2", with "of polygon 1" in a MultiPolygon. */
  ringName(polygon: number, ring: number): string {
    const name = ring === 0 ? 'the outer ring' : `hole ${ring}`;
    return this.multi ? `${name} of polygon ${polygon}` : name;
  }

  /** Emits the "and N more" problems; call once the feature is done. */
  finish(): void {
    for (const [code, { severity, n }] of this.overflow) {
      this.out.push({
        ...this.about(severity, code),
        path: this.path(),
        message: `…and ${n} more '${code}' problems in this feature`,
        omitted: n,
      });
    }
    this.overflow.clear();
  }

  /** What every problem of this feature starts with: its kind, layer, index and names. */
  private about(severity: 'error' | 'warning', code: ImportProblemCode) {
    return {
      severity,
      code,
      layer: this.layer,
      featureIndex: this.index,
      ...(this.featureId === undefined ? {} : { featureId: this.featureId }),
      ...(this.featureName === undefined ? {} : { featureName: this.featureName }),
    };
  }

  private push(
    severity: 'error' | 'warning',
    code: ImportProblemCode,
    message: string,
    place: ProblemPlace,
    change: AreaChange | null = null,
  ): void {
    if (severity === 'error') this.errors++;
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count > MAX_PER_CODE) {
      const o = this.overflow.get(code);
      this.overflow.set(code, {
        severity: o?.severity === 'error' || severity === 'error' ? 'error' : 'warning',
        n: (o?.n ?? 0) + 1,
      });
      return;
    }
    this.out.push({
      ...this.about(severity, code),
      ...(this.multi && place.polygon !== undefined ? { polygon: place.polygon } : {}),
      ...(place.ring === undefined ? {} : { ring: place.ring }),
      ...(place.position === undefined ? {} : { position: place.position }),
      path: this.path(place),
      message,
      ...(change === null
        ? {}
        : { areaChangeM2: change.m2, ...(change.ratio === null ? {} : { areaChangeRatio: change.ratio }) }),
    });
  }
}

function signed(x: number, digits: number): string {
  if (x === 0) return '0';
  const text = Math.abs(x) < 10 ** -digits ? x.toExponential(1) : x.toFixed(digits);
  return x > 0 ? `+${text}` : text;
}

function formatArea(change: AreaChange): string {
  const m2 = `${signed(change.m2, 2)} m²`;
  if (change.ratio === null) return `${m2} (the area before was 0)`;
  return `${m2} (${signed(change.ratio * 100, 3)}%)`;
}
