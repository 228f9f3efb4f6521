import type { FeatureProblems } from './repair-problems';
import type { CellProperties, GridLayer, ZoneProperties } from './types';

export interface PropertyRules {
  readonly layer: GridLayer;
  readonly idPattern: RegExp | null;
  readonly allowedOffices: ReadonlySet<string> | null;
}

/** Separators people use when a GIS attribute table (a shapefile cannot hold lists) joins names. */
const NAME_LIST_SEPARATORS = /[,;，；、|]/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'number' || typeof v === 'boolean' ? `the ${typeof v} ${String(v)}` : `a ${typeof v}`;
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * The feature's id: `properties.id`, or else the Feature's own `id` member (RFC 7946 §3.2) when
 * that is a string. Ids are keys other records point at, so they are taken exactly as written:
 * not trimmed, not converted from numbers (GIS tools number features 0, 1, 2…, which is not an id).
 */
function readId(
  feature: Record<string, unknown>,
  props: Record<string, unknown>,
  scope: FeatureProblems,
): string | null {
  const own = props.id;
  const outer = feature.id;
  if (typeof own === 'string' && typeof outer === 'string' && own !== outer && outer.trim() !== '') {
    scope.error(
      'invalid_id',
      `properties.id "${own}" and the Feature's id "${outer}" differ; which one is meant?`,
      {
        property: 'id',
      },
    );
    return null;
  }
  const value = absent(own) && typeof outer === 'string' ? outer : own;
  if (absent(value)) {
    scope.error('missing_id', 'the feature has no id (properties.id)', { property: 'id' });
    return null;
  }
  if (typeof value !== 'string') {
    scope.error('invalid_id', `the id must be a string, got ${describe(value)}; write it in quotes`, {
      property: 'id',
    });
    return null;
  }
  if (value !== value.trim()) {
    scope.error('invalid_id', `the id "${value}" starts or ends with white space`, { property: 'id' });
    return null;
  }
  return value;
}

function readText(
  props: Record<string, unknown>,
  key: string,
  required: 'missing_name' | 'missing_office' | null,
  scope: FeatureProblems,
): string | undefined {
  const v = props[key];
  if (absent(v)) {
    if (required !== null) scope.error(required, `the feature has no ${key}`, { property: key });
    return undefined;
  }
  if (typeof v !== 'string') {
    scope.error('invalid_property', `${key} must be a string, got ${describe(v)}`, { property: key });
    return undefined;
  }
  return v.trim();
}

/**
 * Officers as a list of names. A single string is split on the separators people use (a
 * shapefile attribute cannot hold a list), reported so the person can check the split.
 */
function readOfficers(props: Record<string, unknown>, scope: FeatureProblems): string[] | undefined {
  const v = props.officers;
  if (absent(v)) return undefined;
  if (typeof v === 'string') {
    const names = [...new Set(v.split(NAME_LIST_SEPARATORS).map((s) => s.trim()))].filter((s) => s !== '');
    scope.repaired(
      'officers_from_text',
      `officers is the text ${JSON.stringify(v)}, not a list`,
      `read it as ${JSON.stringify(names)}`,
      { property: 'officers' },
      null,
    );
    return names;
  }
  if (!Array.isArray(v)) {
    scope.error('invalid_property', `officers must be a list of names, got ${describe(v)}`, {
      property: 'officers',
    });
    return undefined;
  }
  const bad = v.findIndex((o) => typeof o !== 'string' || o.trim() === '');
  if (bad >= 0) {
    scope.error('invalid_property', `officers[${bad}] must be a non-empty name, got ${describe(v[bad])}`, {
      property: `officers[${bad}]`,
    });
    return undefined;
  }
  return [...new Set((v as string[]).map((o) => o.trim()))];
}

/**
 * Reads and checks the properties of one feature for its layer, logging every problem; null if
 * any is an error. The id is handed to `scope` as soon as it is usable, so that later problems
 * name it. Other properties are not kept.
 *
 * @example
 *   readProperties({ type: 'Feature', properties: { id: 'C-0001', name: '东湖社区第1网格' } }, scope, rules);
 *   // { id: 'C-0001', name: '东湖社区第1网格' }
 */
export function readProperties(
  feature: Record<string, unknown>,
  scope: FeatureProblems,
  rules: PropertyRules,
): CellProperties | ZoneProperties | null {
  const raw = feature.properties;
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    scope.error('invalid_property', `properties must be an object, got ${describe(raw)}`, {
      member: '.properties',
    });
  }
  const props = isObject(raw) ? raw : {};
  // Named before anything is checked, so that every problem of the feature carries its name.
  if (typeof props.name === 'string' && props.name.trim() !== '') scope.setName(props.name.trim());
  const before = scope.fatalCount;
  const id = readId(feature, props, scope);
  if (id !== null) {
    scope.setId(id);
    if (rules.idPattern !== null && !rules.idPattern.test(id)) {
      scope.error(
        'id_pattern_mismatch',
        `the id "${id}" does not match the pattern ${rules.idPattern.source}`,
        {
          property: 'id',
        },
      );
    }
  }
  const name = readText(props, 'name', 'missing_name', scope);
  if (rules.layer === 'cells') {
    const community = readText(props, 'community', null, scope);
    const street = readText(props, 'street', null, scope);
    if (scope.fatalCount > before || id === null || name === undefined) return null;
    return {
      id,
      name,
      ...(community === undefined ? {} : { community }),
      ...(street === undefined ? {} : { street }),
    };
  }
  const office = readText(props, 'office', 'missing_office', scope);
  if (office !== undefined && rules.allowedOffices !== null && !rules.allowedOffices.has(office)) {
    scope.error('unknown_office', `office "${office}" is not one of this city's offices`, {
      property: 'office',
    });
  }
  const officers = readOfficers(props, scope);
  if (scope.fatalCount > before || id === null || name === undefined || office === undefined) return null;
  return { id, name, office, ...(officers === undefined ? {} : { officers }) };
}
